// Command sdkcaller is a stand-in for an AWS SDK for Go program (terraform,
// say): it loads the shared config the standard way, so credential_process
// runs exactly as in such programs, and calls GetCallerIdentity.
//
//	sdkcaller [-profile P] [-n N] [-interval D]
//
// It prints one line per call: the caller ARN and the access key id used.
// The STS endpoint comes from AWS_ENDPOINT_URL_STS, as the SDK reads it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {
	profile := flag.String("profile", "", "shared config profile (default: AWS_PROFILE or default)")
	n := flag.Int("n", 1, "number of GetCallerIdentity calls")
	interval := flag.Duration("interval", 0, "pause between calls")
	flag.Parse()
	ctx := context.Background()
	var opts []func(*config.LoadOptions) error
	if *profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(*profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sdkcaller: loading config:", err)
		os.Exit(2)
	}
	client := sts.NewFromConfig(cfg)
	for i := 0; i < *n; i++ {
		if i > 0 {
			time.Sleep(*interval)
		}
		out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			fmt.Fprintln(os.Stderr, "sdkcaller:", err)
			os.Exit(1)
		}
		creds, err := cfg.Credentials.Retrieve(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sdkcaller:", err)
			os.Exit(1)
		}
		fmt.Printf("%s %s\n", *out.Arn, creds.AccessKeyID)
	}
}
