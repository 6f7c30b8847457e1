/* Quick exit (button, or Esc twice), remembering the chosen language, and the
   pages' words for the other scripts.
   Everything here is an enhancement: without JavaScript the quick exit is a plain
   link and the language switcher plain links. */
(function () {
  "use strict";

  /* A page's words for its scripts, from the JSON data block with that id
     (json_script): the Content-Security-Policy runs no script written into a page. */
  window.pageText = function (id) {
    var source = document.getElementById(id);
    try {
      return source ? JSON.parse(source.textContent) : {};
    } catch (e) {
      return {};
    }
  };

  /* replace() swaps only the page open now for the target: Back from there does
     not return to it, but the pages of this site visited before it stay in the
     tab's Back history and in the browser's history. The help page says so. */
  function leave(url) {
    try { document.body.style.visibility = "hidden"; } catch (e) { /* ignore */ }
    window.location.replace(url);
  }

  var NOT_TYPED = /^(button|checkbox|color|file|hidden|image|radio|range|reset|submit)$/i;
  function isField(element) {
    if (!element || element.nodeType !== 1) { return false; }
    if (element.isContentEditable) { return true; }
    var name = element.tagName;
    if (name === "TEXTAREA" || name === "SELECT") { return true; }
    return name === "INPUT" && !NOT_TYPED.test(element.type || "");
  }

  var exit = document.querySelector("[data-quick-exit]");
  if (exit) {
    var target = exit.getAttribute("href");
    exit.addEventListener("click", function (event) {
      event.preventDefault();
      leave(target);
    });
    var lastEscape = 0;
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" && event.key !== "Esc") { return; }
      // In a field, Esc belongs to the field (clearing a search, closing a list
      // or an input method): twice there does not leave the site.
      if (isField(event.target) || isField(document.activeElement)) {
        lastEscape = 0;
        return;
      }
      var now = Date.now();
      if (now - lastEscape < 1500) {
        leave(target);
      }
      lastEscape = now;
    });
    // Esc works now: the footer's sentence that says so replaces the one that
    // names the button alone.
    var withEscape = document.querySelector("[data-exit-with-escape]");
    var buttonOnly = document.querySelector("[data-exit-button-only]");
    if (withEscape && buttonOnly) {
      withEscape.hidden = false;
      buttonOnly.hidden = true;
    }
  }

  /* What is scrolled to stops below the sticky helpline bar (site.css): keep
     its height, which grows when its labels wrap on a narrow screen or in
     large text. */
  var bar = document.querySelector(".safety-bar");
  if (bar) {
    var keepBarHeight = function () {
      document.documentElement.style.setProperty(
        "--safety-bar-height", bar.getBoundingClientRect().height + "px"
      );
    };
    keepBarHeight();
    if (window.ResizeObserver) {
      new ResizeObserver(keepBarHeight).observe(bar);
    } else {
      window.addEventListener("resize", keepBarHeight);
    }
  }

  /* A form sent back with errors: focus the first field in error, whose
     message the field names (aria-describedby), or else the form's error
     summary, so that neither keyboard nor screen reader users start over from
     the top of the page. Not when the visitor has already moved on. */
  function focusFirstError() {
    var active = document.activeElement;
    if (active && active !== document.body && active !== document.documentElement) return;
    var target = document.querySelector("main [aria-invalid='true']");
    if (!target) {
      target = document.querySelector("main form [role='alert']");
      if (target && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    }
    if (target) target.focus();
  }
  if (!window.location.hash) focusFirstError();

  // Pages under /kk/, /ru/, /en/ carry their language in the URL; remember it for
  // the few unprefixed pages (sign-in, sign-up) so they open in the same language.
  var lang = document.documentElement.getAttribute("lang");
  if (lang && /^\/(kk|ru|en)\//.test(window.location.pathname)) {
    // Secure over https, as the server sets it (LANGUAGE_COOKIE_SECURE): the
    // script's cookie replaces the server's.
    var secure = window.location.protocol === "https:" ? "; secure" : "";
    document.cookie = "django_language=" + lang + "; path=/; max-age=31536000; samesite=lax" + secure;
  }
})();
