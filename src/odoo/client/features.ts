/**
 * Field names that changed across Odoo 16-19 (ODOO-NOTES §5, §8), from the major version. Fields
 * that depend on installed modules (carrier_tracking_ref: stock_delivery) are checked with
 * fields_get instead, where they are used.
 */
export interface OdooFeatures {
  major: number;
  /** stock.move done quantity: 16 quantity_done; 17+ quantity, with the boolean `picked`. */
  moveDoneQty: 'quantity_done' | 'quantity';
  movePicked: boolean;
  /** sale.order.line unit of measure: product_uom until 18, product_uom_id from 19. */
  saleLineUom: 'product_uom' | 'product_uom_id';
  /** Confirmed sale order states: 16 also `done`; 17 replaced it by the `locked` boolean. */
  confirmedStates: string[];
  /** How a product is made storable: detailed_type='product' until 17, is_storable from 18. */
  storable: { field: 'detailed_type'; value: 'product' } | { field: 'is_storable'; value: true };
}

export function featuresFor(major: number): OdooFeatures {
  // An unknown version (0: the server did not say) is taken as the latest we know.
  const v = major || 19;
  return {
    major: v,
    moveDoneQty: v <= 16 ? 'quantity_done' : 'quantity',
    movePicked: v >= 17,
    saleLineUom: v >= 19 ? 'product_uom_id' : 'product_uom',
    confirmedStates: v <= 16 ? ['sale', 'done'] : ['sale'],
    storable: v >= 18 ? { field: 'is_storable', value: true } : { field: 'detailed_type', value: 'product' },
  };
}
