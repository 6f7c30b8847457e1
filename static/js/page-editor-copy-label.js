// wagtail-modeltranslation labels its "Copy content from" buttons in English, on
// jQuery's ready; once the page has loaded, the label is written in the editor's
// language (lms/page_editor.py puts it on this script's data-label).
(function () {
  "use strict";
  var label = document.currentScript.dataset.label;
  window.addEventListener("load", function () {
    document.querySelectorAll(".translation-field-copy-wrapper").forEach(function (wrapper) {
      var text = wrapper.firstChild;
      if (text && text.nodeType === Node.TEXT_NODE) {
        text.textContent = label + ": ";
      }
    });
  });
})();
