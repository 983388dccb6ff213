import type { ViewContext } from '../../../platform/http/render.js';
import type { StepDefinition } from '../../requests/index.js';

export type StepId = 'identity' | 'type' | 'support' | 'documents' | 'verification';

export const stepIds: readonly StepId[] = ['identity', 'type', 'support', 'documents', 'verification'];

export function isStepId(value: unknown): value is StepId {
  return typeof value === 'string' && (stepIds as readonly string[]).includes(value);
}

/** The address of a step of an existing request. */
export function stepHref(requestId: string, step: StepId): string {
  return `/entreprise/mes/demandes/${requestId}/modifier?etape=${step}`;
}

/**
 * The seed's list of the five steps (title in bold, subtitle under it), the current one marked
 * for screen readers too. Once the request exists, each step is a link. `steps` are those of the
 * request's revision (before it exists: of the revision it will be created under).
 */
export function StepList({ v, steps, current, requestId }: { v: ViewContext; steps: readonly StepDefinition[]; current: StepId; requestId?: string }) {
  return (
    <nav aria-label={v.t('mes.steps.label')}>
      <ol class="mes-steps">
        {steps.map((step) => {
          const id = isStepId(step.id) ? step.id : 'identity';
          const label = (
            <>
              <strong>{v.t(step.title)}</strong>
              <span>{v.t(step.subtitle)}</span>
            </>
          );
          const isCurrent = id === current;
          return (
            <li key={step.id} class={isCurrent ? 'mes-step-current' : undefined}>
              {requestId && !isCurrent ? (
                <a href={stepHref(requestId, id)}>{label}</a>
              ) : (
                <span aria-current={isCurrent ? 'step' : undefined}>{label}</span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
