import { magicFields } from '../orm/fields';
import { MESSAGE_POST, ORM_METHODS } from '../orm/methods';
import type { FieldDef, MethodDef, ModelDef, Registry } from '../orm/types';
import { unknownModel } from '../rpc-errors';
import { accountMove, accountMoveLine, accountTax, saleAdvancePaymentInv } from './account';
import { irModelData, mailMessage, resCompany, resGroups, resCountry, resCountryState, resCurrency, resPartner, resUsers } from './base';
import { productPricelist, productPricelistItem, productProduct } from './product';
import { purchaseOrder, purchaseOrderLine } from './purchase';
import { saleOrder, saleOrderLine } from './sale';
import { uomCategory, uomUom } from './uom';
import {
  deliveryCarrier, stockBackorderConfirmation, stockLocation, stockLot, stockMove, stockMoveLine, stockPicking,
  stockPickingType, stockQuant, stockQuantPackage, stockWarehouse,
} from './stock';

/** Every model the sandbox knows; registering one is one line here. */
const MODELS: ModelDef[] = [
  resPartner, resUsers, resGroups, resCompany, resCountry, resCountryState, resCurrency, uomCategory, uomUom, irModelData, mailMessage,
  productProduct, productPricelist, productPricelistItem,
  stockWarehouse, stockLocation, stockPickingType, stockPicking, stockMove, stockMoveLine, stockQuant, stockLot,
  stockQuantPackage, deliveryCarrier, stockBackorderConfirmation,
  saleOrder, saleOrderLine, accountTax, accountMove, accountMoveLine, saleAdvancePaymentInv,
  purchaseOrder, purchaseOrderLine,
];

export function createRegistry(): Registry {
  const models = new Map<string, ModelDef>(MODELS.map((m) => [m.name, { ...m, fields: { ...magicFields(), ...m.fields } }]));
  return {
    models,
    model(name: string): ModelDef {
      const m = models.get(name);
      if (!m) throw unknownModel(name);
      return m;
    },
    field(model: string, field: string): FieldDef | undefined {
      return models.get(model)?.fields[field];
    },
  };
}

/** A model's own methods first, then mail.thread's, then BaseModel's. */
export function findMethod(def: ModelDef, method: string): MethodDef | undefined {
  return def.methods?.[method]
    ?? (method === 'message_post' && def.mailThread ? MESSAGE_POST : undefined)
    ?? (Object.prototype.hasOwnProperty.call(ORM_METHODS, method) ? ORM_METHODS[method] : undefined);
}
