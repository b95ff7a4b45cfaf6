// Our few lines of script; every page reads the same without them.
document$.subscribe(function () {
  // Keyboard access to wide tables: Material wraps each table in a scroll box without
  // tabindex, so a table that scrolls sideways and holds no link could not be reached.
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
    if (wrap.scrollWidth > wrap.clientWidth) {
      wrap.tabIndex = 0;
    }
  });
  // The RACI matrix scrolls in its own box (sticky header row and task column). Where it is
  // not wider than the page, the page scrolls it instead and its header row sticks below the
  // page header.
  var matrices = document.querySelectorAll(".hb-matrix");
  function fit() {
    matrices.forEach(function (box) {
      box.classList.remove("hb-fits");
      if (box.scrollWidth <= box.clientWidth + 1) {
        box.classList.add("hb-fits");
      }
    });
  }
  if (matrices.length) {
    fit();
    window.addEventListener("resize", fit);
  }
  // Absences (dates only, written into the page): mark those of today in the reader's own
  // calendar, hide those that are over. Without script every absence stays listed.
  var now = new Date();
  var today = [now.getFullYear(), now.getMonth() + 1, now.getDate()]
    .map(function (n) { return String(n).padStart(2, "0"); }).join("-");
  var away = [];
  document.querySelectorAll("[data-hb-from]").forEach(function (el) {
    var on = el.dataset.hbFrom <= today && today <= el.dataset.hbTo;
    el.classList.toggle("hb-away--today", on);
    el.classList.toggle("hb-away--over", el.dataset.hbTo < today);
    if (on && el.dataset.hbWho && away.indexOf(el.dataset.hbWho) < 0) {
      away.push(el.dataset.hbWho);
    }
  });
  document.querySelectorAll("[data-hb-today]").forEach(function (box) {
    var list = box.querySelector("[data-hb-today-list]");
    list.textContent = away.length ? away.join(", ") : list.dataset.hbNone;
    box.hidden = false;
  });
});
// Escape closes a diagram opened full size.
document.addEventListener("keydown", function (event) {
  var open = document.querySelector(".hb-diagram:target");
  if (event.key === "Escape" && open) {
    location.hash = open.id + "-at";
  }
});
