module github.com/libvoyager/libvoyager/go

go 1.19
