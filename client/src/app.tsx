import { Home } from './screens/Home.js';
import { RoomPage } from './screens/RoomPage.js';
import { route } from './state/route.js';

export function App() {
  const current = route.value;
  return current.name === 'room' ? <RoomPage code={current.code} /> : <Home />;
}
