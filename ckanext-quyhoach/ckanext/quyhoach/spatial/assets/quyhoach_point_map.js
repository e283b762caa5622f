/* "Which plans apply here": click the map to choose a point.
 *
 * Options (data-module-* attributes): lon, lat (the current point, may be
 * empty), extent (GeoJSON to fit when there is no point), map_config.
 */
this.ckan.module('quyhoach-point-map', function (jQuery) {
  return {
    options: {lon: '', lat: '', extent: null, map_config: {}},

    initialize: function () {
      var options = this.options;
      var map = ckan.commonLeafletMap(this.el.find('.quyhoach-map-container')[0], options.map_config);
      var lon = parseFloat(options.lon);
      var lat = parseFloat(options.lat);
      if (isFinite(lon) && isFinite(lat)) {
        L.circleMarker([lat, lon], {radius: 7, color: '#b52', weight: 3, fillOpacity: 0.6}).addTo(map);
        map.setView([lat, lon], 8);
      } else if (options.extent) {
        map.fitBounds(L.geoJson(options.extent).getBounds());
      }
      var form = this.el.closest('form');
      map.on('click', function (event) {
        var point = event.latlng.wrap();
        form.find('input[name=lon]').val(point.lng.toFixed(5));
        form.find('input[name=lat]').val(point.lat.toFixed(5));
        form.trigger('submit');
      });
    }
  };
});
