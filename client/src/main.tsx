import { render } from 'preact';

function App() {
  return <main>Cercle</main>;
}

render(<App />, document.getElementById('app')!);
