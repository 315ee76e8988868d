import { type TSchema, Type } from '@sinclair/typebox';

/** The one shape of a paged list, as the contract fixes it: `{page, perPage, totalItems, totalPages, items}`. */
export function pageOf<T extends TSchema>(item: T) {
  return Type.Object({
    page: Type.Integer(),
    perPage: Type.Integer(),
    totalItems: Type.Integer(),
    totalPages: Type.Integer(),
    items: Type.Array(item),
  });
}
