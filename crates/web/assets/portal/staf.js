// Staff pages: a template button puts its text in the answer box, for the officer to
// edit before sending. Without JavaScript the button is a link that reloads the page
// with the template filled in.
(function () {
  'use strict';
  document.querySelectorAll('a[data-template]').forEach(function (link) {
    link.addEventListener('click', function (event) {
      var box = document.getElementById('respond-text');
      var source = document.getElementById('template-' + link.getAttribute('data-template'));
      if (!box || !source) { return; }
      event.preventDefault();
      box.value = box.value ? box.value + '\n\n' + source.value : source.value;
      box.focus();
    });
  });
  // The printable monthly report's button (the browser's print menu works without it).
  document.querySelectorAll('button[data-print]').forEach(function (button) {
    button.addEventListener('click', function () { window.print(); });
  });
})();
