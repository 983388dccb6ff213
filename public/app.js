// Progressive enhancement only: every page works without this file.
document.addEventListener('DOMContentLoaded', () => {
  // After a refused submission, move focus to the error summary so it is read first.
  const summary = document.getElementById('error-summary');
  if (summary) summary.focus();
});
