"""``python manage.py seed_demo [--reset]``: load the deterministic demo data set (see ``diagnosis.demo``)."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from demo.diagnoses import seed_diagnoses
from demo.enterprises import DEMO_PASSWORD, seed_demo
from demo.portal import seed_portal
from demo.projects import seed_projects
from demo.services import reset_activity, seed_services
from demo.stats import seed_stats


class Command(BaseCommand):
    help = "创建演示数据（约2000家制造业企业、各角色演示账号）；可重复运行，已有数据不会重复创建。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="先删除演示企业并把演示账号恢复为默认设置，再重新创建。",
        )

    def handle(self, *args, reset: bool = False, **options):
        started = time.monotonic()
        if reset:
            reset_activity()
        result = seed_demo(reset=reset)
        services = seed_services()
        diagnoses = seed_diagnoses()
        portal = seed_portal()
        projects = seed_projects()
        # The evaluation lives in reporting, which casework must not import: call it by command name.
        call_command("evaluate_providers", last=2, stdout=self.stdout)
        stats = seed_stats()
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"统计演示数据 / statistics: 近 {stats.months_derived} 个月的派生指标 {stats.values_derived} 个"
                + ("，导入 2022 年上半年通报数据包" if stats.package_loaded else "")
                + (f"，通报 {stats.bulletins_created} 份" if stats.bulletins_created else "")
                + "。"
            )
        )
        if services.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"服务体系演示数据 / service-system demo: 服务商 {services.providers_created} 家，"
                    f"诊所与促进中心 {services.clinics_created} 个，数字专员 {services.profiles_created} 名，"
                    f"解决方案 {services.solutions_created} 个，评价 {services.ratings_created} 条，"
                    f"改造项目 {services.projects_created} 个，诊断 {services.diagnoses_created} 份，"
                    f"专员分配记录 {services.assignments_created} 条，走访 {services.visits_created} 次。"
                )
            )
        if result.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"演示数据已创建 / demo data created: 企业 {result.enterprises_created} 家"
                    f"（共 {result.enterprises_total} 家），账号 {result.users_created} 个，"
                    f"机构 {result.organisations_created} 个，服务对接 {result.engagements_created} 条"
                    + (f"，先删除 {result.removed} 家" if result.removed else "")
                    + "。"
                )
            )
        if diagnoses.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"诊断演示数据 / diagnoses: 各环节 {diagnoses.stages} 份，2023 年诊断及 2025 年复诊 {diagnoses.cohort} 份。"
                )
            )
        if portal:
            self.stdout.write(
                self.style.SUCCESS(
                    f"企业服务演示数据 / portal: {portal} 条（自评、更正申请、需求、诊断意见）。"
                )
            )
        if projects:
            self.stdout.write(
                self.style.SUCCESS(
                    f"改造项目演示数据 / projects: {projects} 个（各状态、验收前后等级、服务券）。"
                )
            )
        if result.changed or services.changed or diagnoses.changed or portal or projects:
            self.stdout.write(f"用时 / took {elapsed:.1f} s")
        else:
            self.stdout.write(
                f"演示数据已存在，未做任何修改 / demo data already present, nothing changed "
                f"（共 {result.enterprises_total} 家企业）。"
            )
        if result.stale:
            self.stdout.write(
                self.style.WARNING(
                    f"另有 {result.stale} 家早期版本生成的演示企业；运行 `seed_demo --reset` 可替换为当前版本。"
                )
            )
        self.stdout.write(f"\n演示账号 / demo logins（密码 / password: {DEMO_PASSWORD}）")
        width = max(len(u.username) for u in result.users)
        for user in result.users:
            self.stdout.write(f"  {user.username.ljust(width)}  {user.get_role_label():<8}  {user.scope}")
