module proctor

go 1.26

require github.com/abema/go-mp4 v1.4.1

require (
	github.com/google/uuid v1.6.0 // indirect
	github.com/stretchr/testify v1.11.1 // indirect
)
