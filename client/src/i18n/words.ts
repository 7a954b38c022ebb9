import { locale } from './index.js';
import { type RecordWords, recordWords } from './record-words.js';

/** The record, statement and floor words in the page's language (subscribes the component to it). */
export const tr = (): RecordWords => recordWords[locale.value];
