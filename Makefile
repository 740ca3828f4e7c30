# Shortcuts for the README's commands. Every target runs what the README says; nothing here is
# needed to use FlowGenie (npm start and npm test are the two commands).
.PHONY: dev dev-split dev-fake build test synth deploy

STAGE ?= dev
# The executor image (pushed to ECR by the pipeline under the commit it was built from).
IMAGE_TAG ?= $(shell git rev-parse HEAD)

## dev: the whole platform on https://localhost:8443, every service in one process (npm start)
dev:
	npm start

## dev-split: the same, one process per service (as in docker compose and AWS)
dev-split:
	FLOWGENIE_PROCESSES=split npm start

## build: bundle the process entries into dist/ (npm start does it when a source changed)
build:
	npm run build

## dev-fake: the same, with the local fake Google and Slack
dev-fake:
	FAKE_PROVIDERS=1 npm start

## test: every check and every test (what CI runs)
test:
	npm test

## synth: synthesize the CDK app for STAGE (no AWS account needed)
synth:
	cd cdk-constructs && npx cdk synth --quiet -c env=$(STAGE) -c executorImageTag=$(IMAGE_TAG)

## deploy: deploy every stack of STAGE with the AWS credentials in your environment
deploy:
	@case "$(STAGE)" in dev|staging|prod) ;; *) echo "STAGE must be dev, staging or prod" >&2; exit 2;; esac
	cd cdk-constructs && npx cdk deploy --all -c env=$(STAGE) -c executorImageTag=$(IMAGE_TAG)
