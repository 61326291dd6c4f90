"""`sla-monitor init`: create what the product needs on a local endpoint, idempotently."""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml
from sla_monitor_local.provisioning import provision

from sla_monitor.cli.common import UsageError, add_target_arguments, target_services
from sla_monitor.directory import default_directory, directory_from_mapping
from sla_monitor.retiming import keep_deployed_policy


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "init",
        help="create the tables, bucket, SES sender identity and starting directory",
        description=(
            "Create, idempotently, what the product needs on the target: the DynamoDB tables "
            "(from the same definitions template.yaml deploys), the raw-mail bucket, the SES "
            "sender identity and the starting directory of departments and roles. On real AWS "
            "the SAM template creates these; use init against a local endpoint "
            "(AWS_ENDPOINT_URL), such as a moto server."
        ),
    )
    parser.add_argument(
        "--directory",
        type=Path,
        metavar="FILE",
        help="the directory of departments and staff to seed (YAML, in the shape of "
        "config/directory.yaml; default: the shipped example)",
    )
    add_target_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    directory = default_directory()
    if args.directory is not None:
        try:
            directory = directory_from_mapping(
                yaml.safe_load(args.directory.read_text(encoding="utf-8"))
            )
        except (OSError, yaml.YAMLError, TypeError) as error:
            raise UsageError(f"cannot read the directory {args.directory}: {error}") from error
    with target_services(args) as bundle:
        report = provision(
            bundle.settings,
            clients={name: bundle.client(name) for name in ("dynamodb", "s3", "ses")},
            directory=directory,
            directory_store=bundle.directory_store,
        )
        keep_deployed_policy(bundle.policy, bundle.directory_store)
    for what in report.created:
        print(f"created  {what}")
    for what in report.existing:
        print(f"exists   {what}")
    return 0
