/** The path of the page asked for, without its query. */
export function requestPath(url: string): string {
  return url.split('?')[0] ?? '/';
}

export const LANG_COOKIE_NAME = 'guichet_langue';

/**
 * Only a path of this site: never an open redirect to another host. The path must be printable
 * ASCII (as the request paths our pages put in `retour` are): browsers drop tabs and newlines from
 * a URL, so "/\t/evil.example" would lead to //evil.example, and a header refuses other characters.
 */
export function safeReturnPath(value: string | undefined): string {
  if (!value || !/^\/[\x21-\x7e]*$/.test(value) || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value;
}
