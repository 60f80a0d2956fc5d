package ddl

// SetVerifyRenames turns on the check that every rename retargets every
// reference in the catalog (see verifyRetarget); the fuzz test runs with it.
func SetVerifyRenames(on bool) { verifyRenames = on }

// DecodeTree decodes libpg_query's JSON parse tree (see parseSQL).
var DecodeTree = decodeTree
