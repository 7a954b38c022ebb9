import type { CardView, Command, CommandType, RulesView, Viewer } from '@cercle/shared';
import { permits } from '@cercle/shared';

/** The buttons a card may carry, in the order they are drawn. */
export type CardAction = 'star' | 'unstar' | 'keep' | 'set_aside' | 'reopen' | 'edit' | 'withdraw';

/**
 * The buttons one card shows to one person, each with the command it sends, all drawn from the shared
 * policy (VW-5): a button is there only if `permits` accepts its very command on the view the page holds.
 * Pure (no page state), so a unit test checks over the engine that nothing it offers is refused.
 *
 * Choices of the page on top of the policy: keep, set aside and reopen are not offered on one's own card
 * (the client sorts the others' ideas), and withdraw only on one's own (the driver's right to withdraw any
 * card, BD-2, stays for moderation through the protocol, not a button on every card).
 */
export function cardActions(
  view: RulesView,
  viewer: Viewer,
  allowed: ReadonlySet<CommandType>,
  card: CardView,
  /** The words the viewer may read on the card (a hidden card's own text for its author). */
  text: string,
  starred: boolean,
): { action: CardAction; command: Command }[] {
  const own = card.authorId === viewer.id || (viewer.anonymousCardIds ?? []).includes(card.id);
  const candidates: { action: CardAction; command: Command; offered: boolean }[] = [
    starred
      ? { action: 'unstar', command: { type: 'unstar_card', cardId: card.id }, offered: true }
      : { action: 'star', command: { type: 'star_card', cardId: card.id }, offered: true },
    { action: 'keep', command: { type: 'keep_card', cardId: card.id }, offered: !own },
    { action: 'set_aside', command: { type: 'set_aside_card', cardId: card.id }, offered: !own },
    { action: 'reopen', command: { type: 'reopen_card', cardId: card.id }, offered: !own },
    // The edit's text is what the person will type; any text the limits take answers the same.
    { action: 'edit', command: { type: 'edit_card', cardId: card.id, text: text || '…' }, offered: true },
    { action: 'withdraw', command: { type: 'withdraw_card', cardId: card.id }, offered: own },
  ];
  return candidates
    .filter(
      ({ command, offered }) =>
        offered && allowed.has(command.type) && permits(view, viewer, command) === null,
    )
    .map(({ action, command }) => ({ action, command }));
}
