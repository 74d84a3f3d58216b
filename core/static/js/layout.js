/* Shared behaviour of the layout (served locally, no inline script):
   - phones: the menu button opens and closes the navigation; a menu group (details) closes
     when another opens, on Escape or on a click elsewhere. Without JavaScript every link
     shows;
   - tables scroll in their own frame (sticky headers): a frame that scrolls becomes
     focusable and named, so the keyboard can scroll it (WCAG 2.1.1). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    var header = document.querySelector(".site-header");
    var toggle = document.querySelector(".menu-toggle");
    if (header && toggle) {
      toggle.addEventListener("click", function () {
        var open = header.classList.toggle("nav-open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    var groups = Array.prototype.slice.call(document.querySelectorAll(".nav-group"));
    groups.forEach(function (group) {
      group.addEventListener("toggle", function () {
        if (!group.open) return;
        groups.forEach(function (other) { if (other !== group) other.open = false; });
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      groups.forEach(function (group) {
        if (group.open) { group.open = false; group.querySelector("summary").focus(); }
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll(".table-wrap"), function (frame) {
      var scrolls = frame.scrollHeight > frame.clientHeight || frame.scrollWidth > frame.clientWidth;
      if (!scrolls || frame.hasAttribute("tabindex")) return;
      frame.setAttribute("tabindex", "0");
      if (!frame.hasAttribute("role")) frame.setAttribute("role", "region");
      if (!frame.hasAttribute("aria-label") && !frame.hasAttribute("aria-labelledby")) {
        var caption = frame.querySelector("caption");
        var heading = caption ? null : frame.previousElementSibling;
        var name = caption ? caption.textContent : (heading && /^H[1-6]$/.test(heading.tagName) ? heading.textContent : document.title);
        frame.setAttribute("aria-label", name.trim());
      }
    });
    document.addEventListener("click", function (event) {
      groups.forEach(function (group) { if (!group.contains(event.target)) group.open = false; });
    });
  });
})();
