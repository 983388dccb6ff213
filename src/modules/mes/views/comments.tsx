import type { ViewContext } from '../../../platform/http/render.js';
import type { CommentView, RequestView } from '../../requests/service.js';
import { longDay } from './frame.js';
import { stepHref, type StepId } from './steps.js';

/**
 * The agent's comments of the current round, in the order of the form (support step's fields,
 * then document types), so that « Précédent » and « Suivant » walk through them as the seed's
 * comment bar does — with plain links, across steps, without JavaScript.
 */
export type PlacedComment = { comment: CommentView; step: StepId; anchor: string; href: string };

function orderOf(definition: RequestView['definition'], comment: CommentView): number {
  if (comment.target === 'field') {
    const index = definition.fields.findIndex((f) => f.id === comment.targetId);
    return index < 0 ? 999 : index;
  }
  const index = definition.documentTypes.findIndex((d) => d.id === comment.targetId);
  return 1000 + (index < 0 ? 999 : index);
}

/** The comments of the request's current round, in the order of its revision's form. */
export function placeComments(view: RequestView): PlacedComment[] {
  const requestId = view.request.id;
  return view.comments
    .filter((c) => c.round === view.request.round)
    .sort((a, b) => orderOf(view.definition, a) - orderOf(view.definition, b) || a.createdAt.getTime() - b.createdAt.getTime())
    .map((comment) => {
      const step: StepId = comment.target === 'field' ? 'support' : 'documents';
      const anchor = `commentaire-${comment.id}`;
      return { comment, step, anchor, href: `${stepHref(requestId, step)}#${anchor}` };
    });
}

/** « 1/2 commentaires corrigés — Précédent, Suivant »: Suivant goes to the first comment not yet corrected. */
export function CommentBar({ v, placed }: { v: ViewContext; placed: PlacedComment[] }) {
  if (placed.length === 0) return null;
  const corrected = placed.filter((p) => p.comment.correctedAt !== null).length;
  const next = placed.find((p) => p.comment.correctedAt === null) ?? placed[0];
  const last = placed[placed.length - 1];
  return (
    <nav class="mes-comment-bar" aria-label={v.t('mes.comments.bar')}>
      <p>
        <strong>{v.t('mes.comments.count', { corrected, total: placed.length })}</strong>
      </p>
      <ul>
        {last ? (
          <li>
            <a href={last.href}>{v.t('mes.comments.previous')}</a>
          </li>
        ) : null}
        {next ? (
          <li>
            <a href={next.href}>{v.t('mes.comments.next')}</a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

/** The form that marks one comment corrected; its controls live at the comment, inside the step's form, through `form=`. */
export function correctionFormId(commentId: string): string {
  return `corrige-${commentId}`;
}

export function CorrectionForms({ v, requestId, placed, step }: { v: ViewContext; requestId: string; placed: PlacedComment[]; step: StepId }) {
  return (
    <>
      {placed
        .filter((p) => p.step === step)
        .map((p) => (
          <form key={p.comment.id} id={correctionFormId(p.comment.id)} method="post" action={`/entreprise/mes/demandes/${requestId}/commentaires/${p.comment.id}`} class="mes-correction-form">
            <input type="hidden" name="_csrf" value={v.csrf} />
            <input type="hidden" name="etape" value={step} />
          </form>
        ))}
    </>
  );
}

/** A comment shown at its field or document type, with its « Corrigé » box and the links to the neighbouring comments. */
export function CommentAt({ v, placed, targetId, editable }: { v: ViewContext; placed: PlacedComment[]; targetId: string; editable: boolean }) {
  const here = placed.map((p, index) => ({ p, index })).filter(({ p }) => p.comment.targetId === targetId);
  return (
    <>
      {here.map(({ p, index }) => {
        const previous = placed[index - 1];
        const next = placed[index + 1];
        const formId = correctionFormId(p.comment.id);
        const corrected = p.comment.correctedAt !== null;
        return (
          <aside key={p.comment.id} id={p.anchor} class="mes-comment" tabindex={-1} aria-label={v.t('mes.comments.comment')}>
            <p class="mes-comment-title">
              <strong>{v.t('mes.comments.comment')}</strong> — {v.t('mes.comments.by', { name: p.comment.authorName, date: longDay(v, p.comment.createdAt) })}
            </p>
            <p class="mes-comment-body">{p.comment.body}</p>
            {editable ? (
              <div class="mes-comment-actions">
                <input type="hidden" name="corrected" value="non" form={formId} />
                <label class="qc-choicefield-label">
                  <input type="checkbox" class="qc-choicefield" name="corrected" value="oui" checked={corrected} form={formId} data-mes-autosubmit="" />
                  <span>{v.t('mes.comments.corrected')}</span>
                </label>
                <button type="submit" class="qc-button qc-secondary mes-small-button" form={formId}>
                  {v.t('mes.comments.save')}
                </button>
              </div>
            ) : (
              <p>{v.t(corrected ? 'mes.comments.isCorrected' : 'mes.comments.notCorrected')}</p>
            )}
            <p class="mes-comment-nav">
              {previous ? <a href={previous.href}>{v.t('mes.comments.previous')}</a> : null}
              {next ? <a href={next.href}>{v.t('mes.comments.next')}</a> : null}
            </p>
          </aside>
        );
      })}
    </>
  );
}
