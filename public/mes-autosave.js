// MES form: each field saves itself when it changes (progressive enhancement: without this file
// the step's buttons post every field, saved the same way on the server).
// The server refuses a save made from a stale page (409): the page then says so and offers a reload.
(function () {
  'use strict';

  function status(text, reloadLabel, reloadUrl) {
    var box = document.getElementById('mes-save-status');
    if (!box) return;
    box.textContent = text;
    if (reloadLabel && reloadUrl) {
      var link = document.createElement('a');
      link.href = reloadUrl;
      link.textContent = reloadLabel;
      box.appendChild(document.createTextNode(' '));
      box.appendChild(link);
    }
  }

  function fieldError(field, message) {
    var id = field.id + '-autosave-error';
    var existing = document.getElementById(id);
    if (!message) {
      if (existing) existing.remove();
      field.removeAttribute('aria-invalid');
      return;
    }
    if (!existing) {
      existing = document.createElement('div');
      existing.className = 'qc-form-error';
      existing.id = id;
      field.insertAdjacentElement('beforebegin', existing);
      var described = field.getAttribute('aria-describedby');
      field.setAttribute('aria-describedby', described ? described + ' ' + id : id);
    }
    existing.textContent = message;
    field.setAttribute('aria-invalid', 'true');
  }

  // Saves run one after another, so versions always follow each other.
  var queue = Promise.resolve();

  function save(container, field) {
    var body = new URLSearchParams();
    body.set('_csrf', container.getAttribute('data-mes-csrf') || '');
    body.set('fieldId', field.getAttribute('data-mes-field') || '');
    body.set('value', field.value);
    body.set('version', field.getAttribute('data-mes-version') || '0');
    return fetch(container.getAttribute('data-mes-autosave') || '', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { status: response.status, data: data };
        });
      })
      .then(function (result) {
        var data = result.data || {};
        if (result.status === 200 && data.ok) {
          field.setAttribute('data-mes-version', String(data.version));
          var hidden = container.querySelector('input[type="hidden"][name="version:' + field.name + '"]');
          if (hidden) hidden.value = String(data.version);
          fieldError(field, null);
          status(data.message);
        } else if (result.status === 409 && data.stale) {
          fieldError(field, data.message);
          status(data.message, data.reload, container.getAttribute('data-mes-reload'));
        } else {
          fieldError(field, data.message || '');
          status(data.message || '');
        }
      })
      .catch(function () {
        // Offline or a server error: the buttons of the form still save everything.
        status(container.getAttribute('data-mes-offline') || '');
      });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var container = document.querySelector('[data-mes-autosave]');
    if (container) {
      container.addEventListener('change', function (event) {
        var field = event.target;
        if (!(field instanceof HTMLElement) || !field.hasAttribute('data-mes-field')) return;
        queue = queue.then(function () {
          return save(container, field);
        });
      });
    }
    // The « Corrigé » box of a comment saves when it is ticked; its button stays for use without JavaScript.
    document.querySelectorAll('[data-mes-autosubmit]').forEach(function (box) {
      box.addEventListener('change', function () {
        var form = box.form;
        if (form) form.requestSubmit();
      });
    });
  });
})();
