// Keyboard access to wide tables: Material wraps each table in a scroll box without
// tabindex, so a table that scrolls sideways and holds no link could not be reached.
document$.subscribe(function () {
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
    if (wrap.scrollWidth > wrap.clientWidth) {
      wrap.tabIndex = 0;
    }
  });
});
