import { remove as withoutConfusables } from 'confusables';
import { roleSchema } from './template.js';

/** Control, format (zero-width, bidi overrides), line and paragraph separators, private use, unassigned. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu;

/**
 * RM-9: a display name as the room keeps it: NFKC (fullwidth and styled letters become plain ones),
 * without control or format characters, spaces collapsed and trimmed. Empty means refused.
 */
export function normaliseName(raw: string): string {
  return raw.normalize('NFKC').replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim();
}

/**
 * RM-9: what a name looks like: look-alike letters of other scripts mapped to Latin (the `confusables`
 * package, maintained from Unicode's confusables list), accents dropped, case folded, capital I and
 * digit 1 read as l, 0 as o, spaces removed. Two names with one skeleton cannot be told apart on screen.
 */
export function nameSkeleton(name: string): string {
  return withoutConfusables(normaliseName(name))
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[I1|]/g, 'l')
    .replace(/0/g, 'o')
    .toLowerCase()
    .replace(/\s/gu, '');
}

/** Role names, in the languages of the page, that no one may take as a name (a badge says the role). */
const ROLE_WORDS = new Set(
  [
    ...roleSchema.options,
    'facilitatrice',
    'animateur',
    'animatrice',
    'consultante',
    'coache',
    'commanditaire',
    'observateur',
    'observatrice',
    'admin',
    'host',
    'moderator',
    'moderateur',
    'moderatrice',
  ].map(nameSkeleton),
);

/** RM-9: a name that would pass for a role rather than a person. */
export function isRoleName(name: string): boolean {
  return ROLE_WORDS.has(nameSkeleton(name));
}
