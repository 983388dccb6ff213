import type { MessageKey } from './i18n/index.js';

/** An error a person can act on: its message is a catalogue key, its status the HTTP answer. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly messageKey: MessageKey,
    readonly params: Record<string, string | number> = {},
  ) {
    super(messageKey);
  }
}

export class ForbiddenError extends AppError {
  constructor(messageKey: MessageKey = 'error.forbidden') {
    super(403, messageKey);
  }
}

export class NotFoundError extends AppError {
  constructor(messageKey: MessageKey = 'error.notFound') {
    super(404, messageKey);
  }
}

export class ConflictError extends AppError {
  constructor(messageKey: MessageKey, params: Record<string, string | number> = {}) {
    super(409, messageKey, params);
  }
}

/**
 * A stored document whose body is gone or no longer matches the checksum recorded at upload: it
 * is never served. The ids go to the error log (no personal data) for the team to restore it.
 */
export class DamagedDocumentError extends AppError {
  constructor(
    readonly storedFileId: string,
    readonly reason: 'missing' | 'altered',
  ) {
    super(500, 'error.damagedDocument');
  }
}

export type FieldErrors = Record<string, MessageKey>;

/** Input that a form can show next to its fields. */
export class FieldValidationError extends AppError {
  constructor(readonly fields: FieldErrors) {
    super(400, 'error.validation');
  }
}
