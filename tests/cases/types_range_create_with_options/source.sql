CREATE TYPE textrange AS RANGE (subtype = text, collation = "C", multirange_type_name = textranges); CREATE TYPE tsr AS RANGE (subtype = timestamp, subtype_diff = tsrange_subdiff);
