// Command etcd is the etcd server at the version k8s.io/kubernetes itself depends on, so the
// API server and its store come from one consistent dependency graph.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
