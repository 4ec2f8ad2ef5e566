/* companion/book/htmlfixes.py (ipywidgets 8 defect): give ipywidgets' slider handles and readouts the name of their label. */
(() => {
  let counter = 0;
  const label = () => {
    for (const box of document.querySelectorAll(".jupyter-widgets.widget-inline-hbox")) {
      const text = box.querySelector(":scope > .widget-label");
      if (!text) continue;
      if (text.getAttribute("title") === "null") text.removeAttribute("title");
      if (!text.textContent.trim()) continue;
      if (!text.id) text.id = `companion-widget-label-${++counter}`;
      for (const control of box.querySelectorAll("[role='slider'], .widget-readout[contenteditable]")) {
        if (!control.hasAttribute("aria-label") && !control.hasAttribute("aria-labelledby"))
          control.setAttribute("aria-labelledby", text.id);
      }
    }
  };
  new MutationObserver(label).observe(document.documentElement, {childList: true, subtree: true});
})();
