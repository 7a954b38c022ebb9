import { CirclePage } from './circles/CirclePage.js';
import { NewCircle } from './circles/NewCircle.js';
import { Home } from './screens/Home.js';
import { RoomPage } from './screens/RoomPage.js';
import { route } from './state/route.js';

export function App() {
  const current = route.value;
  if (current.name === 'room') return <RoomPage code={current.code} />;
  if (current.name === 'circle') return <CirclePage circleId={current.circleId} />;
  if (current.name === 'new-circle') return <NewCircle />;
  return <Home />;
}
