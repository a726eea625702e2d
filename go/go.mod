module github.com/placeholder/libvoyager/go

go 1.19
