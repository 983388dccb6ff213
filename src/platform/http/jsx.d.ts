import 'preact';

// The design system's wrapper tags carry its colours and spacing; its JavaScript is never loaded,
// so they stay plain elements.
declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements {
      'qc-piv-header': HTMLAttributes<HTMLElement>;
      'qc-piv-footer': HTMLAttributes<HTMLElement>;
      'qc-notice': HTMLAttributes<HTMLElement> & { type?: string };
    }
  }
}
