// NHS.UK frontend styles its components for JavaScript only when these classes
// are on <body>. Loaded synchronously at the top of <body> (instead of the
// inline snippet of the NHS.UK page template) so the content security policy
// can forbid inline script.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
