/* The course page comes with the learner's progress drawn in. Shown again from
   the browser's back-forward cache (back from a lesson just completed), it is
   drawn again from GET /api/v1/progress/courses/<id>. Quietly does nothing when
   that is missing. */
(function () {
  "use strict";

  var root = document.querySelector("[data-course-page]");
  if (!root || root.dataset.authenticated !== "true" || typeof window.fetch !== "function") {
    return;
  }
  var text = window.pageText("course-text");
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) refresh();
  });

  function refresh() {
    window
      .fetch("/api/v1/progress/courses/" + root.dataset.courseId, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (state) {
        if (!state) return;
        (state.lessons || []).forEach(function (entry) {
          var mark = root.querySelector('[data-lesson-id="' + entry.id + '"] [data-done]');
          if (mark) mark.hidden = !entry.completed;
        });
        var total = Number(state.lessons_total) || 0;
        var done = Number(state.lessons_completed) || 0;
        var container = root.querySelector("[data-course-progress]");
        if (container && total) {
          var bar = container.querySelector("progress");
          bar.value = Math.round((done / total) * 100);
          container.querySelector("[data-course-progress-text]").textContent = state.completed
            ? text.completed
            : String(text.progress || "").replace("{done}", done).replace("{total}", total);
          container.hidden = false;
        }
        var next = root.querySelector("[data-course-next]");
        var pending = (state.lessons || []).filter(function (entry) {
          return !entry.completed;
        })[0];
        if (next && done && pending) {
          var link = root.querySelector('[data-lesson-id="' + pending.id + '"] a');
          if (link) {
            next.href = link.href;
            next.textContent = text.resume;
          }
        } else if (next && state.completed) {
          next.textContent = text.review;
        }
        var certificate = state.certificate;
        var holder = root.querySelector("[data-certificate]");
        if (certificate && certificate.pdf_url && holder) {
          holder.querySelector("[data-certificate-link]").href = certificate.pdf_url;
          holder.hidden = false;
        }
      })
      .catch(function () {});
  }
})();
