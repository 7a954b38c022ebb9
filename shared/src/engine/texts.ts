import { circleSteps } from './circle-steps.js';
import type { LocalizedList, LocalizedText, Phase, TemplateId, TemplateInfo } from './template.js';
import { templates } from './templates/index.js';
import type { RoomView } from './views.js';

/*
 * VW-10: the built-in texts of the methods (each template's name, description and rules, each phase's
 * name, purpose and guide, in both languages) are some 5 KB of every room's view, the same in every room
 * of a method. The page bundles them (this module): a client that says it holds this very set
 * (`TEXTS_VERSION`, in its handshake) is sent a snapshot without the texts equal to the built-in ones,
 * and puts them back (`withBuiltInTexts`) before use. Texts a room has of its own (a phase edited or
 * added, CU-1, CU-2) are always sent.
 */

/** The texts of one phase. */
export type PhaseTexts = Pick<Phase, 'name' | 'purpose' | 'guide'>;
/** The texts of one method. */
export type TemplateTexts = Pick<TemplateInfo, 'name' | 'description' | 'rules'>;

/** A phase as a snapshot may carry it: without its texts when they are the built-in ones (VW-10). */
export type WirePhase = Omit<Phase, keyof PhaseTexts> & Partial<PhaseTexts>;
/** A method as a snapshot may carry it: without its texts when they are the built-in ones (VW-10). */
export type WireTemplateInfo = Omit<TemplateInfo, keyof TemplateTexts> & Partial<TemplateTexts>;
/** The public view as a snapshot carries it (VW-10): `withBuiltInTexts` makes it a `RoomView`. */
export type WireRoomView = Omit<RoomView, 'template' | 'phases'> & {
  template: WireTemplateInfo;
  phases: WirePhase[];
};

type Catalogue = Record<TemplateId, { texts: TemplateTexts; phases: Record<string, PhaseTexts> }>;

const phaseTexts = ({ name, purpose, guide }: Phase): PhaseTexts => ({ name, purpose, guide });

/** Every method's texts, and those of its phases and of the circle steps it may open with, by phase id. */
const catalogue: Catalogue = (() => {
  const out = {} as Catalogue;
  for (const [id, template] of Object.entries(templates) as [TemplateId, (typeof templates)[TemplateId]][]) {
    const phases: Record<string, PhaseTexts> = {};
    const steps = circleSteps(template, { followUp: true, topicRound: true });
    for (const phase of [...steps, ...template.phases]) phases[phase.id] = phaseTexts(phase);
    out[id] = {
      texts: { name: template.name, description: template.description, rules: template.rules },
      phases,
    };
  }
  return out;
})();

/** 32-bit FNV-1a of a text, in hex: names one set of texts, no secret in it. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * Names this set of built-in texts: the same in the server and in a page built from the same sources,
 * different as soon as any text differs (a page of an older release gets every text in full).
 */
export const TEXTS_VERSION: string = (() => {
  const json = JSON.stringify(catalogue);
  return `${fnv1a(json)}${fnv1a(`${json.length}:${json}`)}`;
})();

const sameText = (a: LocalizedText, b: LocalizedText): boolean => a.fr === b.fr && a.en === b.en;
const sameList = (a: LocalizedList, b: LocalizedList): boolean =>
  a.fr.length === b.fr.length &&
  a.en.length === b.en.length &&
  a.fr.every((t, i) => t === b.fr[i]) &&
  a.en.every((t, i) => t === b.en[i]);

/** The built-in texts of phase `phaseId` of method `templateId`, if it has one of that id. */
export function builtInPhaseTexts(templateId: TemplateId, phaseId: string): PhaseTexts | undefined {
  const phases = catalogue[templateId]?.phases;
  return phases && Object.hasOwn(phases, phaseId) ? phases[phaseId] : undefined;
}

/** The built-in texts of method `templateId`. */
export function builtInTemplateTexts(templateId: TemplateId): TemplateTexts | undefined {
  return catalogue[templateId]?.texts;
}

// The engine keeps what it does not change by reference: one look per phase list and per method object.
const leanPhaseLists = new WeakMap<readonly Phase[], WirePhase[]>();
const leanTemplates = new WeakMap<TemplateInfo, WireTemplateInfo>();

function leanPhases(templateId: TemplateId, phases: readonly Phase[]): WirePhase[] {
  let lean = leanPhaseLists.get(phases);
  if (lean === undefined) {
    lean = phases.map((phase) => {
      const builtIn = builtInPhaseTexts(templateId, phase.id);
      if (
        !builtIn ||
        !sameText(phase.name, builtIn.name) ||
        !sameText(phase.purpose, builtIn.purpose) ||
        !sameList(phase.guide, builtIn.guide)
      )
        return phase;
      const { name: _name, purpose: _purpose, guide: _guide, ...rest } = phase;
      return rest;
    });
    leanPhaseLists.set(phases, lean);
  }
  return lean;
}

function leanTemplate(template: TemplateInfo): WireTemplateInfo {
  let lean = leanTemplates.get(template);
  if (lean === undefined) {
    const builtIn = builtInTemplateTexts(template.id);
    if (
      builtIn &&
      sameText(template.name, builtIn.name) &&
      sameText(template.description, builtIn.description) &&
      sameList(template.rules, builtIn.rules)
    ) {
      const { name: _name, description: _description, rules: _rules, ...rest } = template;
      lean = rest;
    } else {
      lean = template;
    }
    leanTemplates.set(template, lean);
  }
  return lean;
}

/**
 * VW-10: the view without the texts equal to the built-in ones of its method (the method's, and each
 * phase's whose three texts are those of the built-in phase of that id). Everything else as it is.
 */
export function withoutBuiltInTexts(view: RoomView): WireRoomView {
  return {
    ...view,
    template: leanTemplate(view.template),
    phases: leanPhases(view.template.id, view.phases),
  };
}

/**
 * VW-10: a snapshot's view with the texts it left out put back from the built-in ones (a view that
 * carries every text comes back equal). A phase left without texts has the built-in texts of its id.
 */
export function withBuiltInTexts(view: WireRoomView): RoomView {
  const template = view.template;
  const fullTemplate: TemplateInfo =
    template.name !== undefined && template.description !== undefined && template.rules !== undefined
      ? (template as TemplateInfo)
      : { ...fallbackTemplateTexts(template), ...template };
  let phases = view.phases as Phase[];
  if (view.phases.some((phase) => phase.name === undefined)) {
    phases = view.phases.map((phase) =>
      phase.name !== undefined && phase.purpose !== undefined && phase.guide !== undefined
        ? (phase as Phase)
        : { ...fallbackPhaseTexts(template.id, phase.id), ...phase },
    ) as Phase[];
  }
  if (fullTemplate === template && phases === view.phases) return view as RoomView;
  return { ...view, template: fullTemplate, phases } as RoomView;
}

const blank = (id: string): LocalizedText => ({ fr: id, en: id });

/** The built-in texts, or the id as the name should a newer server name a text this page lacks. */
function fallbackTemplateTexts(template: WireTemplateInfo): TemplateTexts {
  return (
    builtInTemplateTexts(template.id) ?? {
      name: blank(template.id),
      description: blank(''),
      rules: { fr: [], en: [] },
    }
  );
}

function fallbackPhaseTexts(templateId: TemplateId, phaseId: string): PhaseTexts {
  return (
    builtInPhaseTexts(templateId, phaseId) ?? {
      name: blank(phaseId),
      purpose: blank(''),
      guide: { fr: [], en: [] },
    }
  );
}
