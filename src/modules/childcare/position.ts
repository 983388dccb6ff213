/**
 * The public position of a site. An installation is a public place: its position is public as it
 * is. An RSGE cares for children in its home: its position is replaced by the centre of the cell
 * of a fixed grid that holds it, 0.02° of latitude by 0.03° of longitude (about 2.2 km by 2.3 km
 * in southern Quebec, 2.2 km by 1.9 km at 55° N). Every RSGE of a cell gets the same point, the
 * same each time (no random offset that repeated reads could average out), and that point tells
 * only that the home is somewhere in a cell of about 5 km²: at most about 1.6 km from it.
 */
export const GRID_LATITUDE_DEGREES = 0.02;
export const GRID_LONGITUDE_DEGREES = 0.03;

export type Position = { latitude: number; longitude: number };

/** The centre of the grid cell holding the value, rounded to five decimals (a metre). */
function cellCentre(value: number, step: number): number {
  const centre = (Math.floor(value / step) + 0.5) * step;
  return Math.round(centre * 100_000) / 100_000;
}

export function gridCellCentre(position: Position): Position {
  return { latitude: cellCentre(position.latitude, GRID_LATITUDE_DEGREES), longitude: cellCentre(position.longitude, GRID_LONGITUDE_DEGREES) };
}

/** The position the public may see of a site of this kind. */
export function publicPosition(kind: 'installation' | 'home_provider', position: Position): Position {
  return kind === 'home_provider' ? gridCellCentre(position) : { ...position };
}
