/**
 * What the programs (mes, aid) use of the request engine: program definitions and the request
 * operations. Another module imports these from here, never the engine's other files (README of
 * platform: module boundaries).
 */
import type { requestsFr } from './messages.js';

export {
  fieldById,
  isRequired,
  isShown,
  maxOf,
  type Bound,
  type Condition,
  type DocumentTypeDefinition,
  type FieldDefinition,
  type ProgramDefinition,
  type RequestFacts,
  type RequestResource,
  type Requirement,
  type StepDefinition,
} from './program.js';
export {
  MAX_ROWS,
  InvalidValueError,
  StaleValueError,
  addComment,
  addDocument,
  canOnRequest,
  changesSinceComments,
  closeRequest,
  createRequest,
  definitionFor,
  deleteDocument,
  deleteDraft,
  loadRequest,
  markCompliant,
  missingFields,
  openDocument,
  programById,
  receivability,
  registerProgram,
  requestResource,
  saveValue,
  setCommentCorrected,
  sign,
  transmit,
  validateValue,
  valueKey,
  type ChangesSinceComments,
  type CommentInput,
  type CommentView,
  type EngineSettings,
  type ReceivabilityItem,
  type RequestDocumentView,
  type RequestRow,
  type RequestState,
  type RequestView,
  type StoredValue,
} from './service.js';

export { registerEnterpriseRequestRoutes, registerReviewRoutes, type EnterprisePages, type LoadedRequest, type ReviewPages, type UploadProblem } from './routes.js';

declare module '../../platform/i18n/catalogue.js' {
  interface Catalogues {
    requests: typeof requestsFr;
  }
}
