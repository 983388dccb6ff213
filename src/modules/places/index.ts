/**
 * What other modules use of places: the gazetteer's municipalities and the offline geocoder.
 * Another module imports these from here, never places's other files (README of platform:
 * module boundaries).
 */
export { gazetteerGeocoder, type GeocodeFailure, type Geocoder, type Place } from './geocoder.js';
export { municipalityByCode } from './service.js';
