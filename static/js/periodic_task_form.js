// django-celery-beat's periodic task form in the admin: under the crontab field, the chosen crontab in words,
// as the package's own inline script does (the Content-Security-Policy runs no inline script, so
// templates/admin/djcelery/change_periodictask_form.html loads this file instead). No markup is written:
// text nodes and a <br> element only.
(function () {
  const $ = django.jQuery;
  const readable = JSON.parse(document.getElementById("readable-crontabs").textContent);
  const help = document.querySelector(".field-crontab .help");
  const original = help ? help.textContent.trim() : "";

  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    if (!help) return;
    help.replaceChildren(original, document.createElement("br"), `Translation: ${readable[$("#id_crontab").val()]}`);
  });
})();
