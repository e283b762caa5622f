/* Base map of the portal's Leaflet widgets, replacing ckanext-spatial's
 * ckan.commonLeafletMap.
 *
 * With a tile provider configured (ckanext.quyhoach.spatial.tile_url), the
 * original function draws the tiles. Without one, the map has no tiles and
 * no "No map provider set" notice: it draws the provinces' bounding boxes
 * (from the #quyhoach-map-context element) as a light outline, so extents
 * still show in their place on a server without internet access.
 *
 * On the search page it also draws the extents of the listed dossiers (from
 * the #quyhoach-search-results element), each linking to its dossier.
 */
(function (ckan, L) {
  if (!ckan || !L || !ckan.commonLeafletMap || ckan.commonLeafletMap.quyhoach) {
    return;
  }
  var original = ckan.commonLeafletMap;
  var VIETNAM_CENTER = [16.0, 106.0];

  function addContextLayer(map) {
    var element = document.getElementById('quyhoach-map-context');
    if (!element) {
      return;
    }
    var data = JSON.parse(element.getAttribute('data-geojson'));
    L.geoJson(data, {
      interactive: false,
      style: {color: '#7d8b99', weight: 1, opacity: 0.8, fill: false, dashArray: '3 3'}
    }).addTo(map);
  }

  function escapeHtml(text) {
    var div = document.createElement('div');
    div.textContent = text;
    return div.innerHTML;
  }

  function addResultsLayer(map) {
    var element = document.getElementById('quyhoach-search-results');
    if (!element) {
      return;
    }
    var data = JSON.parse(element.getAttribute('data-geojson'));
    L.geoJson(data, {
      // National plans cover the whole country: outline them only, so the
      // extents of regional, provincial and local plans stay visible.
      style: function (feature) {
        var national = (feature.properties || {}).plan_level === 'national';
        return {color: '#b5651d', weight: national ? 1 : 2, opacity: 0.9, fill: !national, fillOpacity: 0.15};
      },
      onEachFeature: function (feature, layer) {
        var properties = feature.properties || {};
        layer.bindPopup('<a href="' + escapeHtml(properties.url) + '">' + escapeHtml(properties.title) + '</a>');
      }
    }).addTo(map);
  }

  ckan.commonLeafletMap = function (container, mapConfig, mapOptions, layerOptions) {
    var map;
    if (mapConfig && mapConfig.type) {
      map = original(container, mapConfig, mapOptions, layerOptions);
    } else {
      map = new L.Map(container, mapOptions || {});
    }
    // The widgets add vector layers before they set the view, and Leaflet 1.9
    // then fails to clip the next layer added, so the map starts on Vietnam.
    if (!map._loaded) {
      map.setView(VIETNAM_CENTER, 5, {animate: false});
    }
    addContextLayer(map);
    addResultsLayer(map);
    return map;
  };
  ckan.commonLeafletMap.quyhoach = true;
})(this.ckan, this.L);
