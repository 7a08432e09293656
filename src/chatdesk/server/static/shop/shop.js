/* Demo shop: the basket (kept in this browser), and what the shop tells the chat through the
   widget's page API (docs/protocol.md, "The page API"): the cart on every change, the order on
   the thank-you page. The first line is the snippet a shop puts before the widget's script, so
   calls made before the widget has loaded wait in a queue and are replayed. */
window.chatdesk = window.chatdesk || function () { (window.chatdesk.q = window.chatdesk.q || []).push(arguments); };

(function () {
  "use strict";
  var PRODUCTS = {
    "trail-runner": { name: "Trail Runner 2", price: 129.90 },
    "rain-jacket": { name: "Storm Shell rain jacket", price: 189.00 },
    "wool-socks": { name: "Merino hiking socks (3 pairs)", price: 34.50 }
  };
  var BASKET = "northwind.basket", LAST_ORDER = "northwind.order";
  var params = new URLSearchParams(location.search);

  function load(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key) || "null") || fallback; } catch (e) { return fallback; }
  }
  function save(key, value) {
    try { if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  function euros(n) { return "\u20ac" + n.toFixed(2); }
  function total(lines) { return Math.round(lines.reduce(function (s, l) { return s + l.price; }, 0) * 100) / 100; }
  function node(tag, text) { var n = document.createElement(tag); if (text !== undefined) n.textContent = text; return n; }
  /* The chat hears of every change to the basket: its value, currency and number of items. */
  function tellCart(lines) { window.chatdesk("cart", { value: total(lines), currency: "EUR", items: lines.length }); }

  function showBasket(lines, list, sum) {
    list.textContent = "";
    lines.forEach(function (line, i) {
      var row = node("li", line.name + " — " + euros(line.price) + " ");
      if (list.id === "basket-lines") {
        var remove = node("button", "Remove");
        remove.type = "button"; remove.className = "remove";
        remove.setAttribute("aria-label", "Remove " + line.name);
        remove.addEventListener("click", function () {
          lines.splice(i, 1); save(BASKET, lines); showBasket(lines, list, sum); tellCart(lines);
        });
        row.appendChild(remove);
      }
      list.appendChild(row);
    });
    if (!lines.length) list.appendChild(node("li", "Your basket is empty."));
    sum.textContent = euros(total(lines));
  }

  function productPage() {
    var item = PRODUCTS[params.get("item") || ""] ? params.get("item") : "trail-runner";
    var p = PRODUCTS[item];
    document.title = p.name + " \u2014 Northwind Outfitters";        // the chat's journey names the product
    document.getElementById("product-name").textContent = p.name;
    document.getElementById("product-price").textContent = euros(p.price);
    document.getElementById("product-item").value = item;
  }

  function cartPage() {
    var lines = load(BASKET, []), item = params.get("item");
    if (PRODUCTS[item]) {            // "Add to basket" on a product page
      var extra = [params.get("size"), params.get("colour")].filter(Boolean).join(", ");
      lines.push({ item: item, name: PRODUCTS[item].name + (extra ? " (" + extra + ")" : ""), price: PRODUCTS[item].price });
      save(BASKET, lines);
      history.replaceState(null, "", "cart.html");     // a reload does not add it again
    }
    showBasket(lines, document.getElementById("basket-lines"), document.getElementById("basket-total"));
    tellCart(lines);
  }

  function checkoutPage() {
    showBasket(load(BASKET, []), document.getElementById("checkout-lines"), document.getElementById("checkout-total"));
  }

  /* The thank-you page: the basket becomes an order, reported once; a reload reports the same
     order again (the server keeps the first). */
  function thanksPage() {
    var lines = load(BASKET, []), order = load(LAST_ORDER, null);
    if (lines.length) {
      order = { id: "NW-" + Date.now().toString(36).toUpperCase() + Math.random().toString(36).slice(2, 6).toUpperCase(),
                value: total(lines), currency: "EUR" };
      save(LAST_ORDER, order); save(BASKET, null);
      tellCart([]);
    }
    if (!order) { document.getElementById("order-summary").textContent = "There is no order to confirm."; return; }
    document.getElementById("order-id").textContent = order.id;
    document.getElementById("order-value").textContent = euros(order.value);
    window.chatdesk("order", order);
  }

  var pages = { product: productPage, cart: cartPage, checkout: checkoutPage, thanks: thanksPage };
  var which = pages[document.body.getAttribute("data-page") || ""];
  if (which) which();
})();
