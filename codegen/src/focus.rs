//! The FOCUS 1.2 columns (the FinOps Open Cost and Usage Specification) an `x-focus`
//! mapping may fill, each with its type and whether the specification makes it
//! mandatory: one table, read from the FinOps Foundation's requirements model
//! (`model-1.2.json`: each column's `Type…` rule, and the `ColumnPresent` rules without
//! applicability criteria). A column not listed is refused unless its name starts with
//! `x_` (a vendor fact FOCUS has no column for).

use crate::ir::FocusType;

/// Every FOCUS 1.2 column of the cost and usage dataset, in FOCUS order (alphabetical,
/// as the specification lists them): its name, its type, whether it is mandatory.
pub const COLUMNS: &[(&str, FocusType, bool)] = &[
    ("AvailabilityZone", FocusType::String, false),
    ("BilledCost", FocusType::Decimal, true),
    ("BillingAccountId", FocusType::String, true),
    ("BillingAccountName", FocusType::String, true),
    ("BillingAccountType", FocusType::String, false),
    ("BillingCurrency", FocusType::String, true),
    ("BillingPeriodEnd", FocusType::DateTime, true),
    ("BillingPeriodStart", FocusType::DateTime, true),
    ("CapacityReservationId", FocusType::String, false),
    ("CapacityReservationStatus", FocusType::String, false),
    ("ChargeCategory", FocusType::String, true),
    ("ChargeClass", FocusType::String, true),
    ("ChargeDescription", FocusType::String, true),
    ("ChargeFrequency", FocusType::String, false),
    ("ChargePeriodEnd", FocusType::DateTime, true),
    ("ChargePeriodStart", FocusType::DateTime, true),
    ("CommitmentDiscountCategory", FocusType::String, false),
    ("CommitmentDiscountId", FocusType::String, false),
    ("CommitmentDiscountName", FocusType::String, false),
    ("CommitmentDiscountQuantity", FocusType::Decimal, false),
    ("CommitmentDiscountStatus", FocusType::String, false),
    ("CommitmentDiscountType", FocusType::String, false),
    ("CommitmentDiscountUnit", FocusType::String, false),
    ("ConsumedQuantity", FocusType::Decimal, false),
    ("ConsumedUnit", FocusType::String, false),
    ("ContractedCost", FocusType::Decimal, true),
    ("ContractedUnitPrice", FocusType::Decimal, false),
    ("EffectiveCost", FocusType::Decimal, true),
    ("InvoiceId", FocusType::String, false),
    ("InvoiceIssuerName", FocusType::String, true),
    ("ListCost", FocusType::Decimal, true),
    ("ListUnitPrice", FocusType::Decimal, false),
    ("PricingCategory", FocusType::String, false),
    ("PricingCurrency", FocusType::String, false),
    (
        "PricingCurrencyContractedUnitPrice",
        FocusType::Decimal,
        false,
    ),
    ("PricingCurrencyEffectiveCost", FocusType::Decimal, false),
    ("PricingCurrencyListUnitPrice", FocusType::Decimal, false),
    ("PricingQuantity", FocusType::Decimal, true),
    ("PricingUnit", FocusType::String, true),
    ("ProviderName", FocusType::String, true),
    ("PublisherName", FocusType::String, true),
    ("RegionId", FocusType::String, false),
    ("RegionName", FocusType::String, false),
    ("ResourceId", FocusType::String, false),
    ("ResourceName", FocusType::String, false),
    ("ResourceType", FocusType::String, false),
    ("ServiceCategory", FocusType::String, true),
    ("ServiceName", FocusType::String, true),
    ("ServiceSubcategory", FocusType::String, false),
    ("SkuId", FocusType::String, false),
    ("SkuMeter", FocusType::String, false),
    ("SkuPriceDetails", FocusType::Json, false),
    ("SkuPriceId", FocusType::String, false),
    ("SubAccountId", FocusType::String, false),
    ("SubAccountName", FocusType::String, false),
    ("SubAccountType", FocusType::String, false),
    ("Tags", FocusType::Json, false),
];

/// The type and mandatory flag of the FOCUS column `name`, if FOCUS 1.2 has it.
pub fn column(name: &str) -> Option<(FocusType, bool)> {
    COLUMNS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, ty, mandatory)| (*ty, *mandatory))
}

/// Where column `name` goes in a row: FOCUS columns in table order, `x_` columns after
/// them (in name order: a spec's mapping reaches lowering without its key order).
pub fn order(name: &str) -> usize {
    COLUMNS
        .iter()
        .position(|(n, _, _)| *n == name)
        .unwrap_or(COLUMNS.len())
}

#[cfg(test)]
mod tests {
    use super::COLUMNS;

    #[test]
    fn the_table_is_in_focus_order_and_has_57_columns() {
        assert_eq!(COLUMNS.len(), 57);
        assert!(COLUMNS.windows(2).all(|w| w[0].0 < w[1].0));
        let mandatory = COLUMNS.iter().filter(|(_, _, m)| *m).count();
        assert_eq!(mandatory, 21);
    }
}
