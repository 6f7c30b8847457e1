// wagtail-modeltranslation labels its "Copy content from" buttons in English, on
// jQuery's ready, which may come after the page has loaded (a new page's editor,
// say); each label is written in the editor's language as soon as it appears
// (lms/page_editor.py puts it on this script's data-label).
(function () {
  "use strict";
  var label = document.currentScript.dataset.label + ": ";

  function relabel(wrapper) {
    var text = wrapper.firstChild;
    if (text && text.nodeType === Node.TEXT_NODE && text.textContent !== label) {
      text.textContent = label;
    }
  }

  function relabelWithin(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    if (node.matches(".translation-field-copy-wrapper")) {
      relabel(node);
    } else {
      node.querySelectorAll(".translation-field-copy-wrapper").forEach(relabel);
    }
  }

  relabelWithin(document.documentElement);
  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      if (mutation.target.nodeType === Node.ELEMENT_NODE &&
          mutation.target.matches(".translation-field-copy-wrapper")) {
        relabel(mutation.target);  // its content written anew
      }
      mutation.addedNodes.forEach(relabelWithin);
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
