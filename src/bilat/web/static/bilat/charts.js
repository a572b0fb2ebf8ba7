// Render every chart of the page from its Vega or Vega-Lite spec (embedded as JSON), with the
// locally served vega-embed bundle. Tables beside the charts carry the same figures, so a
// page without JavaScript loses only the pictures. vega-embed and its tooltips would add
// their own <style> elements, which the site's Content-Security-Policy refuses: site.css
// styles the tooltip instead. Vega would compile each expression of a spec to a `Function`,
// which the policy refuses too (no page allows 'unsafe-eval'): `ast: true` keeps the parsed
// expressions as trees, and vega-embed then evaluates them with vega-interpreter, the Vega
// project's CSP-safe interpreter, which vega-embed 7 depends on (so it is in the bundle).
var options = {
  actions: false,
  renderer: "svg",
  defaultStyle: false,
  tooltip: { disableDefaultStyle: true },
  ast: true,
};
document.querySelectorAll("[data-spec]").forEach(function (element) {
  var spec = JSON.parse(document.getElementById(element.dataset.spec).textContent);
  // A network is laid out at the width of its box, whatever the screen.
  if (spec.usermeta && spec.usermeta.fitWidth && element.clientWidth > 0) {
    spec.width = Math.max(280, element.clientWidth - 8);
  }
  window.vegaEmbed(element, spec, options).catch(function (error) {
    element.textContent = "The chart could not be drawn: " + error.message;
  });
});
