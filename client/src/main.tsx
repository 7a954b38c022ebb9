import { render } from 'preact';
import { App } from './app.js';
import { locale } from './i18n/index.js';
import { startTicking } from './state/clock.js';
import './styles.css';

document.documentElement.lang = locale.value;
startTicking();
render(<App />, document.getElementById('app') as HTMLElement);
