// `helpcenter serve` adds this script to the pages it serves (never to a built site). It follows
// the builds through server-sent events: the tab reloads when its page, a style sheet, a script or
// an image changed, and a failed build's errors cover the page until a build succeeds again.
(() => {
  let site = Number(document.currentScript.dataset.site);
  let overlay = null;

  const hide = () => {
    overlay?.remove();
    overlay = null;
  };
  const show = (message) => {
    if (!overlay) {
      overlay = document.createElement('pre');
      overlay.id = 'helpcenter-build-error';
      overlay.setAttribute('role', 'alert');
      overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:1.5rem;'
        + 'background:rgba(24,24,24,.95);color:#fafafa;font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap';
      overlay.addEventListener('click', hide);
      document.body.append(overlay);
    }
    overlay.textContent = `helpcenter serve: the last change did not build. This page shows the last good build.\n\n${message}\n\n(click to hide)`;
  };

  const events = new EventSource('/_helpcenter/events');
  events.addEventListener('built', (e) => {
    const built = JSON.parse(e.data);
    hide();
    if (built.site === site) return;
    const mine = built.changed.includes(decodeURI(location.pathname));
    // A tab that missed a build (or a restarted server) cannot tell what changed: it reloads.
    if (built.site === site + 1 && !mine && !built.all) {
      site = built.site;
      return;
    }
    location.reload();
  });
  events.addEventListener('failed', (e) => show(JSON.parse(e.data).message));
})();
