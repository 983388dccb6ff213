// The public map (portal, issue 7): draws the results listed on the page with Leaflet. Progressive
// enhancement only — without this file, or without Leaflet, the list is the page. Nothing here
// writes HTML from data: labels go in with textContent and the links are the list's own.
document.addEventListener('DOMContentLoaded', () => {
  const canvas = document.getElementById('map');
  if (!canvas || typeof window.L === 'undefined') return;
  const L = window.L;
  const data = canvas.dataset;
  canvas.hidden = false;
  for (const hint of document.querySelectorAll('.map-hint')) hint.hidden = false;

  const map = L.map(canvas, { scrollWheelZoom: false, keyboard: true });
  if (data.tiles) {
    const tiles = L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 18 });
    let warned = false;
    // Tiles from elsewhere may not load (offline, blocked): say so once; markers and list still work.
    tiles.on('tileerror', () => {
      if (warned) return;
      warned = true;
      const notice = document.createElement('p');
      notice.className = 'map-tiles-failed';
      notice.setAttribute('role', 'status');
      notice.textContent = data.tilesFailed;
      canvas.insertAdjacentElement('afterend', notice);
    });
    tiles.addTo(map);
  }
  const centre = [Number(data.latitude), Number(data.longitude)];
  // A circle's bounds need a map with a view: set one, then fit the circle of the search.
  map.setView(centre, 11);
  const circle = L.circle(centre, { radius: Number(data.radiusKm) * 1000, weight: 2, fill: false, interactive: false }).addTo(map);
  map.fitBounds(circle.getBounds());

  for (const item of document.querySelectorAll('.map-entry')) {
    const position = [Number(item.dataset.latitude), Number(item.dataset.longitude)];
    const label = item.dataset.label;
    const marker = L.marker(position, { title: label, alt: label, keyboard: true }).addTo(map);
    marker.bindPopup(() => popupOf(item));

    const show = document.createElement('button');
    show.type = 'button';
    show.className = 'qc-button qc-secondary qc-compact map-show';
    show.textContent = data.showLabel;
    show.addEventListener('click', () => {
      map.setView(position, Math.max(map.getZoom(), 14));
      marker.openPopup();
      canvas.scrollIntoView({ block: 'nearest' });
    });
    item.appendChild(show);
  }

  /** The popup: the item's own heading and lines, and its « Détails et admission » link. */
  function popupOf(item) {
    const box = document.createElement('div');
    box.className = 'map-popup';
    for (const part of item.querySelectorAll('h4, p')) {
      const copy = part.cloneNode(true);
      if (copy.tagName === 'H4') {
        const title = document.createElement('p');
        title.className = 'map-popup-title';
        title.textContent = copy.textContent;
        box.appendChild(title);
      } else box.appendChild(copy);
    }
    return box;
  }
});
