// "Copy link", "Copy text" and "Copy code" on programme pages (templates/programmes/share.html).
// Without JavaScript the buttons stay hidden and the link, text and code are there to
// select. Here each button is shown; a press copies its source to the clipboard and says
// so in a status message next to it, which screen readers announce (role="status").
// Where the clipboard is not allowed (an old browser, a locked-down PC), the text is
// selected instead and the message says how to copy it.

function textOf(source) {
  return source.tagName === "INPUT" ? source.value : source.innerText.trim();
}

function select(source, win) {
  if (source.tagName === "INPUT") {
    source.focus();
    source.select();
    return;
  }
  const range = source.ownerDocument.createRange();
  range.selectNodeContents(source);
  const selection = win.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

function say(status, message) {
  // Emptied first, so the same message is announced again on a second press.
  status.textContent = "";
  setTimeout(() => {
    status.textContent = message;
  }, 50);
}

export function enableCopyButtons(doc = document, win = window) {
  for (const button of doc.querySelectorAll("button[data-copy]")) {
    const source = doc.getElementById(button.dataset.copy);
    const status = doc.getElementById(button.dataset.status);
    if (!source || !status) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await win.navigator.clipboard.writeText(textOf(source));
        say(status, button.dataset.copied);
      } catch {
        select(source, win);
        say(status, "Selected. Press Ctrl and C (on a Mac, Command and C) to copy it.");
      }
    });
  }
}
