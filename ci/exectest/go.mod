module goose-exectest

go 1.19
