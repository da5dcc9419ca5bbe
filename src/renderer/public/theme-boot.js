// Runs before the first paint (a plain file: the CSP allows no inline script): applies the
// theme the person chose last time, so a dark choice on a light OS never flashes light.
try {
  var theme = localStorage.getItem('switchyard-theme');
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
} catch (e) {
  // Storage blocked: the OS preference applies.
}
