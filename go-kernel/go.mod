module goose/go-kernel

go 1.19
