"""Demo data: a city service centre modelled on the notice (衡政办发〔2013〕23号).

Everything is written through the services, so the demo has the same audit record and obeys
the same rules as real data.
"""

import os
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from stdnum.cn import uscc

from shenpi.catalog import services as catalog
from shenpi.catalog.codes import Category, HandlingForm, ReformStatus
from shenpi.org import services as org
from shenpi.org.models import Centre, Staff
from shenpi.org.roles import Role

DEMO_PASSWORD_DEFAULT = "shenpi-demo-2026"


def demo_password() -> str:
    return os.environ.get("SHENPI_DEMO_PASSWORD", DEMO_PASSWORD_DEFAULT)


def credit_code(n: int, kind: str = "11") -> str:
    """A well-formed credit code in Hengyang (430400): of an organ (机关, 11) or a company (91)."""
    body = f"{kind}430400{n:08d}"
    body += str(sum(int(c) for c in body) % 10)  # a stable ninth character of the organisation code
    return body + uscc.calc_check_digit(body)


# key, name, short name, window number
DEPARTMENTS = [
    ("fgw", "衡阳市发展和改革委员会", "市发改委", "01"),
    ("zrgh", "衡阳市自然资源和规划局", "市自然资源和规划局", "02"),
    ("zj", "衡阳市住房和城乡建设局", "市住建局", "03"),
    ("xf", "衡阳市消防救援支队", "市消防救援支队", "04"),
    ("rf", "衡阳市人民防空办公室", "市人防办", "05"),
    ("fg", "衡阳市住房保障和房产管理局", "市房产局", "06"),
    ("sj", "衡阳市市场监督管理局", "市市场监管局", "07"),
    ("hb", "衡阳市生态环境局", "市生态环境局", "08"),
    ("jt", "衡阳市交通运输局", "市交通运输局", "09"),
    ("wj", "衡阳市卫生健康委员会", "市卫健委", "10"),
    ("mz", "衡阳市民政局", "市民政局", "11"),
    ("sw", "国家税务总局衡阳市税务局", "市税务局", "12"),
]

WINDOW_NUMBERS = {key: number for key, _name, _short, number in DEPARTMENTS}

BASIS = {
    "xzxkf": "《中华人民共和国行政许可法》",
    "tz": "《企业投资项目核准和备案管理条例》(国务院令第673号)",
    "cxgh": "《中华人民共和国城乡规划法》第三十七条、第三十八条、第四十条",
    "jzf": "《中华人民共和国建筑法》第七条;《建筑工程施工许可管理办法》(住房和城乡建设部令第18号)",
    "xff": "《中华人民共和国消防法》第十一条、第十五条",
    "rff": "《中华人民共和国人民防空法》第二十二条;《湖南省实施〈中华人民共和国人民防空法〉办法》",
    "bdc": "《不动产登记暂行条例》第十四条、第二十条",
    "fdc": "《中华人民共和国城市房地产管理法》第四十五条;《城市商品房预售管理办法》",
    "gsdj": "《中华人民共和国市场主体登记管理条例》第三条、第十九条",
    "sp": "《中华人民共和国食品安全法》第三十五条;《食品经营许可和备案管理办法》",
    "tzsb": "《中华人民共和国特种设备安全法》第三十三条",
    "hp": "《中华人民共和国环境影响评价法》第二十二条;《建设项目环境保护管理条例》",
    "pw": "《排污许可管理条例》第三条、第十四条",
    "dlys": "《中华人民共和国道路运输条例》第十条、第二十四条",
    "gl": "《中华人民共和国公路法》第五十条;《超限运输车辆行驶公路管理规定》",
    "yl": "《医疗机构管理条例》第十五条;《医疗机构管理条例实施细则》",
    "ggcs": "《公共场所卫生管理条例》第八条",
    "fs": "《放射诊疗管理规定》第十一条",
    "stdj": "《社会团体登记管理条例》第三条、第九条",
    "mfdj": "《民办非企业单位登记管理暂行条例》第三条、第八条",
    "ylj": "《中华人民共和国老年人权益保障法》第四十三条",
    "sw": "《中华人民共和国税收征收管理法》第十五条;《税务登记管理办法》",
}

M = {  # common materials: name, originals, copies
    "app": ("申请书(申请表)", 1, 0),
    "license": ("营业执照或统一社会信用代码证书", 0, 1),
    "id": ("法定代表人(申请人)身份证明", 0, 1),
    "auth": ("授权委托书及受托人身份证明", 1, 1),
    "site": ("建设项目用地红线图", 1, 0),
    "plan": ("建设工程设计方案总平面图", 1, 1),
    "report": ("项目申请报告", 1, 0),
    "landcert": ("土地使用权证明文件", 0, 1),
    "contract": ("建设工程施工合同", 0, 1),
    "drawings": ("施工图设计文件审查合格书", 0, 1),
    "acceptance": ("工程竣工验收报告", 1, 0),
    "survey": ("房屋测绘成果报告", 1, 0),
    "deed": ("不动产权属证书", 1, 0),
    "transfer": ("不动产转移合同(买卖合同)", 1, 0),
    "loan": ("主债权合同及抵押合同", 1, 0),
    "eia": ("环境影响报告书(表)", 1, 0),
    "layout": ("经营场所平面布局图", 1, 0),
    "health": ("从业人员健康证明", 0, 1),
    "vehicle": ("车辆行驶证及技术等级评定证明", 0, 1),
    "rules": ("章程草案", 1, 0),
    "capital": ("验资报告或资金证明", 1, 0),
    "staffcert": ("专业技术人员资格证明", 0, 1),
}


def _materials(keys, conditional=()):
    out = []
    for k in keys:
        name, originals, copies = M[k]
        cond = k in conditional
        out.append({"name": name, "originals": originals, "copies": copies,
                    "requirement": "conditional" if cond else "required",
                    "condition": "委托他人办理的" if k == "auth" else ("适用时提供" if cond else ""), "note": ""})
    return out


def _flow(category, dept, *, review=0, approve=0, parallel=None, deliver=1):
    """Flows in the notice's shape: 受理 → 审查 → 决定 → 告知 (送达)."""
    accept = {"name": "受理", "steps": [{"name": "窗口受理", "role": Role.WINDOW_CLERK, "department": dept, "budget": 0}]}
    if category == Category.INSTANT:
        return [accept, {"name": "决定", "steps": [
            {"name": "窗口当场决定", "role": Role.CHIEF_REP, "department": dept, "budget": 0}]}]
    stages = [accept]
    if parallel:
        stages.append({"name": "并联审查", "steps": [
            {"name": f"{d_name}审查", "role": Role.HANDLER, "department": d, "budget": days}
            for d, d_name, days in parallel]})
    if review:
        stages.append({"name": "审查", "steps": [{"name": "审核", "role": Role.REVIEWER, "department": dept, "budget": review}]})
    stages.append({"name": "决定", "steps": [{"name": "核准", "role": Role.APPROVER, "department": dept, "budget": approve}]})
    if category == Category.PROMISED and deliver:
        stages.append({"name": "告知", "steps": [{"name": "制证送达", "role": Role.WINDOW_CLERK, "department": dept, "budget": deliver}]})
    return stages


INS, REV, PRO = Category.INSTANT, Category.REVIEW_APPROVE, Category.PROMISED
WIN, ONL, MOB, POST = HandlingForm.WINDOW.value, HandlingForm.ONLINE.value, HandlingForm.MOBILE.value, HandlingForm.POST.value

# dept, basic code, name, type, category, statutory, promised, (review, approve), basis, materials,
# forms, fees [(name, fen, unit, basis)], reform (status, date, doc, delegated_to) or None, extra
ITEMS: list[tuple[Any, ...]] = [
    ("fgw", "000101001", "企业投资项目核准", "01", PRO, 20, 10, (3, 3), "tz", ["app", "report", "license", "site"], [WIN, ONL], [], None,
     {"parallel": [("zrgh", "用地预审意见", 3), ("hb", "环评意见", 3)]}),
    ("fgw", "000101002", "企业投资项目备案", "07", INS, 5, 0, None, "tz", ["app", "license"], [ONL, MOB], [], None, {}),
    ("fgw", "000101003", "政府投资项目可行性研究报告审批", "11", REV, 20, 8, (5, 3), "tz", ["app", "report", "site"], [WIN, ONL], [], None, {}),
    ("fgw", "000101004", "固定资产投资项目节能审查", "01", REV, 20, 7, (4, 3), "tz", ["app", "report"], [WIN, ONL], [], None, {}),
    ("zrgh", "000105001", "建设项目用地预审与选址意见书核发", "01", REV, 20, 7, (4, 3), "cxgh", ["app", "site", "report"], [WIN, ONL], [], None, {}),
    ("zrgh", "000105002", "建设用地规划许可证核发", "01", REV, 20, 6, (3, 3), "cxgh", ["app", "site", "landcert"], [WIN, ONL], [], None, {}),
    ("zrgh", "000105003", "建设工程规划许可证核发", "01", PRO, 20, 10, (5, 3), "cxgh", ["app", "plan", "landcert", "auth"], [WIN, ONL], [], None, {}),
    ("zrgh", "000105004", "乡村建设规划许可证核发", "01", REV, 20, 10, (5, 5), "cxgh", ["app", "plan"], [WIN], [],
     ("delegated", date(2013, 10, 8), "衡政发〔2013〕15号", "衡阳县自然资源局"), {}),
    ("zrgh", "000105005", "建设工程规划条件核实", "07", REV, 20, 5, (3, 2), "cxgh", ["app", "survey", "plan"], [WIN, ONL], [], None, {}),
    ("zrgh", "000105006", "临时建设工程规划许可", "01", REV, 20, 5, (3, 2), "cxgh", ["app", "plan"], [WIN, ONL], [], None, {}),
    ("zj", "000106001", "建筑工程施工许可证核发", "01", REV, 15, 5, (3, 2), "jzf", ["app", "landcert", "contract", "drawings"], [WIN, ONL], [], None, {}),
    ("zj", "000106002", "特殊建设工程消防设计审查", "01", PRO, 15, 10, (6, 2), "xff", ["app", "drawings", "plan"], [WIN, ONL], [], None, {}),
    ("zj", "000106003", "建筑业企业资质(施工总承包三级)核准", "01", REV, 20, 10, (6, 4), "jzf", ["app", "license", "staffcert"], [ONL], [], None, {}),
    ("zj", "000106004", "城市建筑垃圾处置核准", "01", REV, 20, 5, (3, 2), "jzf", ["app", "license"], [WIN, ONL], [], None, {}),
    ("zj", "000106005", "房屋建筑和市政基础设施工程竣工验收备案", "07", INS, 15, 0, None, "jzf", ["app", "acceptance"], [WIN, ONL], [], None, {}),
    ("zj", "000106006", "建设工程质量监督注册", "11", REV, 5, 2, (1, 1), "jzf", ["app", "contract"], [WIN], [],
     ("cancelled", date(2013, 10, 8), "衡政发〔2013〕15号", ""), {}),
    ("zj", "000106007", "建设工程竣工综合验收", "11", PRO, 45, 5, None, "xzxkf", ["app", "acceptance", "survey", "drawings"], [WIN, ONL], [], None,
     {"joint": True}),
    ("xf", "000107001", "公众聚集场所投入使用、营业前消防安全检查", "01", REV, 10, 5, (3, 2), "xff", ["app", "license", "layout"], [WIN, ONL, MOB], [], None, {}),
    ("xf", "000107002", "消防技术服务机构资质审批", "01", PRO, 20, 15, (8, 3), "xff", ["app", "license", "staffcert"], [WIN], [],
     ("cancelled", date(2013, 11, 1), "衡政发〔2013〕18号", ""), {}),
    ("rf", "000108001", "人民防空工程建设审批(结合民用建筑修建防空地下室)", "01", REV, 20, 5, (3, 2), "rff", ["app", "plan", "drawings"], [WIN, ONL], [], None, {}),
    ("rf", "000108002", "防空地下室易地建设审批", "01", REV, 20, 5, (3, 2), "rff", ["app", "plan"], [WIN, ONL],
     [("防空地下室易地建设费", 9000, "平方米", "《湖南省人民防空工程建设与维护管理规定》;湘价费〔2013〕号文")], None, {}),
    ("rf", "000108003", "人民防空工程竣工验收备案", "07", INS, 15, 0, None, "rff", ["app", "acceptance"], [WIN, ONL], [], None, {}),
    ("rf", "000108004", "人民防空工程拆除审批", "01", REV, 20, 8, (5, 3), "rff", ["app", "plan"], [WIN], [], None, {}),
    ("fg", "000109001", "商品房预售许可", "01", REV, 10, 5, (3, 2), "fdc", ["app", "license", "landcert", "contract"], [WIN, ONL], [], None, {}),
    ("fg", "000109002", "商品房买卖合同网签备案", "07", INS, 5, 0, None, "fdc", ["transfer", "id"], [WIN, ONL, MOB], [], None, {}),
    ("fg", "000109003", "国有建设用地使用权及房屋所有权首次登记", "07", PRO, 30, 10, (5, 3), "bdc", ["app", "landcert", "survey", "acceptance"], [WIN, ONL],
     [("不动产登记费(住宅)", 8000, "件", "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》(发改价格规〔2016〕2559号)"),
      ("不动产登记费(非住宅)", 55000, "件", "发改价格规〔2016〕2559号")], None, {"subcentre": True}),
    ("fg", "000109004", "不动产转移登记", "07", REV, 30, 3, (2, 1), "bdc", ["app", "deed", "transfer", "id", "auth"], [WIN, ONL],
     [("不动产登记费(住宅)", 8000, "件", "发改价格规〔2016〕2559号"), ("证书工本费(第二本起)", 1000, "本", "发改价格规〔2016〕2559号")],
     None, {"subcentre": True, "conditional": ("auth",)}),
    ("fg", "000109005", "不动产抵押登记", "07", REV, 30, 3, (2, 1), "bdc", ["app", "deed", "loan", "id"], [WIN, ONL],
     [("不动产登记费(住宅)", 8000, "件", "发改价格规〔2016〕2559号")], None, {"subcentre": True}),
    ("fg", "000109006", "物业服务企业资质核定", "01", REV, 20, 10, (5, 5), "fdc", ["app", "license", "staffcert"], [WIN], [],
     ("cancelled", date(2013, 10, 8), "衡政发〔2013〕15号", ""), {}),
    ("sj", "000110001", "企业设立登记", "01", INS, 15, 0, None, "gsdj", ["app", "id", "rules", "auth"], [WIN, ONL, MOB], [], None,
     {"conditional": ("auth",)}),
    ("sj", "000110002", "企业变更登记", "01", INS, 15, 0, None, "gsdj", ["app", "license", "id"], [WIN, ONL, MOB], [], None, {}),
    ("sj", "000110003", "企业注销登记", "01", INS, 15, 0, None, "gsdj", ["app", "license"], [WIN, ONL, MOB], [], None, {}),
    ("sj", "000110004", "食品经营许可", "01", REV, 20, 7, (4, 3), "sp", ["app", "license", "layout", "health"], [WIN, ONL, MOB], [], None, {}),
    ("sj", "000110005", "个体工商户登记", "01", INS, 15, 0, None, "gsdj", ["app", "id"], [WIN, ONL, MOB], [],
     ("delegated", date(2013, 10, 8), "衡政发〔2013〕15号", "雁峰区市场监督管理局"), {}),
    ("sj", "000110006", "特种设备使用登记", "01", REV, 15, 5, (3, 2), "tzsb", ["app", "license"], [WIN, ONL], [], None, {}),
    ("sj", "000110007", "户外广告登记", "01", INS, 10, 0, None, "gsdj", ["app", "license"], [WIN], [],
     ("transferred", date(2013, 11, 1), "衡政发〔2013〕18号", ""), {}),
    ("hb", "000111001", "建设项目环境影响报告书审批", "01", PRO, 60, 20, (12, 5), "hp", ["app", "eia"], [WIN, ONL], [], None, {}),
    ("hb", "000111002", "建设项目环境影响报告表审批", "01", REV, 30, 10, (6, 4), "hp", ["app", "eia"], [WIN, ONL], [], None, {}),
    ("hb", "000111003", "排污许可证核发", "01", REV, 20, 10, (6, 4), "pw", ["app", "license", "eia"], [ONL], [], None, {}),
    ("hb", "000111004", "建设项目环境影响登记表备案", "07", INS, 5, 0, None, "hp", ["app"], [ONL, MOB], [],
     ("post_supervision", date(2013, 11, 1), "衡政发〔2013〕18号", ""), {}),
    ("jt", "000112001", "道路旅客运输经营许可", "01", REV, 20, 5, (3, 2), "dlys", ["app", "license", "vehicle", "staffcert"], [WIN, ONL], [], None, {}),
    ("jt", "000112002", "道路货物运输经营许可", "01", REV, 20, 3, (2, 1), "dlys", ["app", "vehicle"], [WIN, ONL, MOB], [], None, {}),
    ("jt", "000112003", "超限运输车辆行驶公路许可", "01", REV, 20, 3, (2, 1), "gl", ["app", "vehicle"], [ONL, MOB], [], None, {}),
    ("jt", "000112004", "出租汽车经营权有偿使用审批", "01", REV, 20, 10, (5, 5), "dlys", ["app", "license", "vehicle"], [WIN], [],
     ("sealed", date(2013, 11, 1), "衡政发〔2013〕18号", ""), {}),
    ("wj", "000113001", "医疗机构执业登记", "01", PRO, 45, 20, (12, 5), "yl", ["app", "license", "layout", "staffcert"], [WIN], [], None, {}),
    ("wj", "000113002", "公共场所卫生许可", "01", REV, 20, 5, (3, 2), "ggcs", ["app", "license", "layout", "health"], [WIN, ONL, MOB], [], None, {}),
    ("wj", "000113003", "放射诊疗许可", "01", PRO, 20, 10, (6, 2), "fs", ["app", "license", "staffcert"], [WIN], [], None, {}),
    ("mz", "000114001", "社会团体成立登记", "01", PRO, 60, 20, (12, 5), "stdj", ["app", "rules", "capital", "id"], [WIN, ONL], [], None, {}),
    ("mz", "000114002", "民办非企业单位成立登记", "01", PRO, 60, 20, (12, 5), "mfdj", ["app", "rules", "capital", "id"], [WIN, ONL], [], None, {}),
    ("mz", "000114003", "养老机构设立许可", "01", REV, 20, 10, (6, 4), "ylj", ["app", "license", "layout"], [WIN], [],
     ("post_supervision", date(2013, 11, 1), "衡政发〔2013〕18号", ""), {}),
    ("sw", "000115001", "税务登记(设立)", "07", INS, 20, 0, None, "sw", ["license", "id"], [WIN, ONL, MOB], [], None, {}),
    ("sw", "000115002", "发票领用核定", "07", INS, 5, 0, None, "sw", ["app", "id"], [WIN, ONL, MOB], [], None, {}),
]

# username, name, department key or None, window ("dept" = the department's window), employment, position, roles
STAFF: list[tuple[Any, ...]] = [
    ("admin", "中心管理员", None, None, "permanent", "officer", [Role.CENTRE_ADMIN]),
    ("clerk", "李敏", "zj", "dept", "permanent", "officer", [Role.WINDOW_CLERK]),
    ("handler", "王强", "zj", None, "permanent", "officer", [Role.HANDLER]),
    ("reviewer", "赵磊", "zj", None, "permanent", "deputy_section_chief", [Role.REVIEWER]),
    ("approver", "陈静", "zj", None, "permanent", "section_chief", [Role.APPROVER, Role.CHIEF_REP]),
    ("depthead", "刘建国", "zj", None, "permanent", "deputy_head", [Role.DEPT_HEAD]),
    ("clerk_sj", "周婷", "sj", "dept", "permanent", "officer", [Role.WINDOW_CLERK]),
    ("reviewer_sj", "吴涛", "sj", None, "permanent", "officer", [Role.REVIEWER]),
    ("chief_sj", "郑红", "sj", "dept", "permanent", "section_chief", [Role.CHIEF_REP, Role.APPROVER, Role.WINDOW_CLERK]),
    ("clerk_fg", "孙丽", "fg", "dept", "permanent", "officer", [Role.WINDOW_CLERK]),
    ("handler_gh", "马骏", "zrgh", None, "permanent", "officer", [Role.HANDLER]),
    ("handler_hb", "黄蓉", "hb", None, "permanent", "officer", [Role.HANDLER]),
    ("handler_xf", "唐亮", "xf", None, "permanent", "officer", [Role.HANDLER]),
    ("clerk_xf", "邓杰", "xf", "dept", "permanent", "officer", [Role.WINDOW_CLERK]),
    ("handler_rf", "曹阳", "rf", None, "permanent", "officer", [Role.HANDLER]),
    ("handler_fg", "邹敏", "fg", None, "permanent", "officer", [Role.HANDLER]),
    ("reviewer_fg", "钱进", "fg", None, "permanent", "officer", [Role.REVIEWER]),
    ("approver_fg", "冯敏", "fg", None, "permanent", "section_chief", [Role.APPROVER, Role.CHIEF_REP]),
    ("clerk_fgw", "何平", "fgw", "dept", "permanent", "officer", [Role.WINDOW_CLERK]),
    ("reviewer_fgw", "谢琳", "fgw", None, "permanent", "officer", [Role.REVIEWER]),
    ("approver_fgw", "罗斌", "fgw", None, "permanent", "section_chief", [Role.APPROVER, Role.CHIEF_REP]),
    ("clerk_general", "林芳", None, "general", "permanent", "officer", [Role.WINDOW_CLERK]),
    ("supervisor", "邓监察", None, None, "permanent", "officer", [Role.SUPERVISOR]),
    ("leader", "欧秘书长", None, None, "permanent", "head", [Role.LEADER]),
]


@transaction.atomic
def load(stdout=None) -> bool:
    """Load the demo centre; returns False (and changes nothing) when the database has data."""
    if Centre.objects.exists():
        return False
    User = get_user_model()
    admin = User.objects.create_superuser(username="admin", password=demo_password())
    centre = org.save_centre(actor=admin, name="衡阳市政务服务中心", code="hy", address="衡阳市华新开发区市民中心",
                             hotline="0734-8868000", opening_hours="工作日 8:30-12:00, 14:30-17:30")
    sub = org.save_centre(actor=admin, name="衡阳市不动产登记分中心", code="hy-bdc", parent=centre,
                          address="衡阳市蒸湘区不动产登记大厅", hotline="0734-8868100",
                          opening_hours="工作日 8:30-12:00, 14:30-17:30")
    depts = {}
    for n, (key, name, short, _w) in enumerate(DEPARTMENTS, 1):
        depts[key] = org.save_department(actor=admin, name=name, short_name=short,
                                         credit_code=credit_code(618500 + n),
                                         centre=sub if key == "fg" else centre)
    org.set_project_group(actor=admin, kind="investment", name="固定资产投资项目群",
                          departments=[depts[k] for k in ("fgw", "zrgh", "zj", "xf", "rf", "fg", "hb")])
    org.set_project_group(actor=admin, kind="registration", name="注册登记项目群",
                          departments=[depts[k] for k in ("sj", "sw", "wj")])

    items_by_dept: dict[str, list] = {k: [] for k in depts}
    for (dkey, basic, name, itype, cat, stat, prom, ra, basis, mats, forms, fees, reform, extra) in ITEMS:
        dept = depts[dkey]
        if extra.get("joint"):
            stages = [
                {"name": "受理", "steps": [{"name": "综合窗口受理", "role": Role.WINDOW_CLERK, "department": dept, "budget": 0}]},
                {"name": "联合现场验收", "steps": [
                    {"name": f"{depts[k].short_name}验收", "role": Role.HANDLER, "department": depts[k], "budget": 3}
                    for k in ("zrgh", "zj", "xf", "rf", "fg")]},
                {"name": "综合验收决定", "steps": [{"name": "出具综合验收意见", "role": Role.APPROVER, "department": dept, "budget": 1}]},
                {"name": "告知", "steps": [{"name": "核发综合验收证明", "role": Role.WINDOW_CLERK, "department": dept, "budget": 1}]},
            ]
        else:
            review, approve = ra or (0, 0)
            parallel = [(depts[k], depts[k].short_name + label, d) for k, label, d in extra.get("parallel", [])]
            stages = _flow(cat, dept, review=review, approve=approve, parallel=parallel or None)
        content = {
            "name": name, "item_type": itype, "level": "3", "subject_nature": "1",
            "service_objects": ["2"] if itype != "07" or dkey != "fg" else ["1", "2"],
            "category": cat, "legal_basis": BASIS[basis],
            "conditions": "申请人具备法律、法规规定的条件,申请材料齐全、符合法定形式。",
            "statutory_limit": stat, "promised_limit": prom, "handling_forms": forms,
            "visits": 0 if ONL in forms and cat == INS else 1,
            "centre": sub if extra.get("subcentre") else centre,
            "location": "不动产登记大厅" if extra.get("subcentre") else f"二楼 {WINDOW_NUMBERS[dkey]} 号窗口",
            "hotline": "", "change_note": "首次发布",
            "materials": _materials(mats, extra.get("conditional", ())),
            "fees": [{"name": f[0], "standard_fen": f[1], "unit": f[2], "legal_basis": f[3]} for f in fees],
            "stages": stages,
        }
        item = catalog.create_item(actor=admin, basic_code=basic[-9:][:10], implementation_code=f"{dept.credit_code}{basic[-6:]}",
                                   department=dept, content=content)
        catalog.publish(actor=admin, item=item)
        catalog.add_reform_record(actor=admin, item=item, status=ReformStatus.RETAINED, effective_date=date(2013, 9, 16),
                                  document_number="衡政办发〔2013〕23号", note="整改方案清理后保留")
        if reform:
            status, when, doc, to = reform
            catalog.add_reform_record(actor=admin, item=item, status=status, effective_date=when, document_number=doc,
                                      delegated_to=to)
        else:
            items_by_dept[dkey].append((item, cat))

    windows = {}
    for key, _name, short, number in DEPARTMENTS:
        mine = items_by_dept[key]
        windows[key] = org.save_window(
            actor=admin, centre=sub if key == "fg" else centre, number=number, name=f"{short}窗口", department=depts[key],
            accept_items=[i for i, _c in mine], decide_items=[i for i, c in mine if c in (INS, REV)],
            video_url_template=f"rtsp://video.local/hall/{number}?start={{start}}&end={{end}}")
    windows["general"] = org.save_window(actor=admin, centre=centre, number="00", name="综合受理窗口", department=None,
                                         accept_items=[], decide_items=[])
    _bundles()
    from shenpi.joint.models import AcceptanceItem
    for item, _cat in items_by_dept["zj"]:
        if item.versions.filter(name="建设工程竣工综合验收").exists():
            AcceptanceItem.objects.create(item=item)

    for n, (username, name, dkey, window, employment, position, roles) in enumerate(STAFF):
        staff_dept = depts[dkey] if dkey else None
        win = windows.get(dkey) if window == "dept" else windows.get(window) if window else None
        org.save_staff(actor=admin, user=admin if username == "admin" else None, username=username,
                       password=None if username == "admin" else demo_password(), name=name, department=staff_dept,
                       window=win, employment=employment, position=position, roles=roles,
                       phone=f"139734{n:05d}")  # work mobiles, for colleagues and supervisors
    return True


def accounts() -> list[tuple[str, str]]:
    out = []
    for s in Staff.objects.select_related("user", "department").prefetch_related("user__groups").order_by("pk"):
        roles = ", ".join(str(Role(g.name).label) for g in s.user.groups.all())
        out.append((s.user.username, f"{s.name} · {s.department.short_name if s.department else '中心'} · {roles}"))
    if get_user_model().objects.filter(username=DEMO_APPLICANT).exists():
        out.append((DEMO_APPLICANT, "王芳 · 申请人 · 网上办事大厅 /login/"))
    return out


# --- a living centre: cases in every state (make run) ----------------------------------------------

DEMO_APPLICANT = "13800138000"  # a citizen's portal account, with the demo password


def _sample_pdf(title: str) -> bytes:
    """A one-page PDF standing for a scanned material, so a clerk can open it in the browser."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("STSong-Light", 22)
    c.drawCentredString(A4[0] / 2, A4[1] - 120, title)
    c.setFont("STSong-Light", 12)
    c.drawCentredString(A4[0] / 2, A4[1] - 150, "(演示材料:扫描件示例)")
    c.save()
    return buf.getvalue()


def load_cases(stdout=None) -> int:
    """Cases in every state, received over the last weeks and handled by the demo staff through
    the services (each step at its own date, so clocks, events, notices and the audit record
    are as real ones would be): online applications awaiting pre-review, one on its last day;
    one awaiting the applicant's supplement; steps in My tasks, one overdue; a joint
    acceptance; a special procedure; decisions awaiting delivery; delivered and refused
    cases. Only into a centre without cases. Returns the number of cases made."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    import time_machine
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from shenpi.cases import services as s
    from shenpi.cases.models import Case
    from shenpi.catalog.models import Item, Material
    from shenpi.workdays.selectors import current_calendar

    if Case.objects.exists():
        return 0
    User = get_user_model()
    users = {u.username: u for u in User.objects.all()}
    if DEMO_APPLICANT not in users:
        users[DEMO_APPLICANT] = User.objects.create_user(username=DEMO_APPLICANT, password=demo_password(),
                                                         first_name="王芳")
    shanghai = ZoneInfo("Asia/Shanghai")
    today = timezone.localdate()
    cal = current_calendar()

    def item(name):
        return Item.objects.get(versions__status="published", versions__name=name)

    def required(name):
        return list(Material.objects.filter(version__item=item(name), version__status="published",
                                            requirement="required").order_by("order").values_list("name", flat=True))

    people = [("person", "张伟", "11010519491231002X"), ("organisation", "衡阳市城建开发有限公司", "91350100M000100Y43"),
              ("person", "刘洋", "11010519491231002X"), ("organisation", "衡阳华晟置业有限公司", "91350100M000100Y43")]
    who = iter(people * 40)

    def applicant():
        kind, name, number = next(who)
        return {"applicant_type": kind, "applicant_name": name, "applicant_id": number, "applicant_phone": "13800138000"}

    cases: dict[str, Case] = {}

    def at_window(key, name, clerk="clerk", papers=None, who=None):
        def run():
            cases[key] = s.submit(actor=users[clerk], item=item(name), channel="window",
                                  paper_materials=required(name) if papers is None else papers, **(who or applicant()))
        return run

    def online(key, name, uploads=None):
        def run():
            me = users[DEMO_APPLICANT]
            case = s.submit(actor=me, item=item(name), channel="online", **{**applicant(), "applicant_name": "王芳"})
            for material in required(name) if uploads is None else uploads:
                upload = SimpleUploadedFile(f"{material}.pdf", _sample_pdf(material), content_type="application/pdf")
                s.add_material(actor=me, case=case, name=material, upload=upload)
            s.issue_receipt(actor=me, case=case)
            cases[key] = case
        return run

    def act(key, verb, actor, **kw):
        return lambda: getattr(s, verb)(actor=users[actor], case=cases[key], **kw)

    def step(key, outcome="pass", opinion="符合法定条件,同意。"):
        def run():
            open_step = cases[key].steps.filter(status="open").order_by("pk").first()
            s.complete_step(actor=open_step.assignee, case=cases[key], step_id=open_step.pk, outcome=outcome,
                            opinion=opinion)
        return run

    PERMIT, JOINT, FILING = "建筑工程施工许可证核发", "建设工程竣工综合验收", "房屋建筑和市政基础设施工程竣工验收备案"
    # (working days ago, what happens); run in the order of time.
    plan: list[tuple[Any, ...]] = [
        (16, at_window("done", PERMIT)), (16, act("done", "accept", "clerk")), (14, step("done")), (13, step("done")),
        (12, act("done", "decide", "approver", decision="approve", licence_number="430400202600010101")),
        (11, act("done", "deliver", "clerk", method="窗口领取")),
        (12, at_window("await", PERMIT)), (12, act("await", "accept", "clerk")), (10, step("await")),
        (9, step("await")), (3, act("await", "decide", "approver", decision="approve",
                                   licence_number="430400202600020101")),
        (9, at_window("overdue", PERMIT)), (9, act("overdue", "accept", "clerk")),
        (8, at_window("paused", PERMIT)), (8, act("paused", "accept", "clerk")), (7, step("paused")),
        (5, act("paused", "suspend", "approver", kind="专家评审", reason="涉及超限高层建筑,组织专家论证", expected_days=10)),
        (6, at_window("refused", PERMIT, papers=[])),
        (6, act("refused", "refuse", "clerk", reasons="该工程位于衡阳县,不属于本机关管辖范围",
                competent_agency="衡阳县住房和城乡建设局")),
        (5, at_window("approve", PERMIT)), (5, act("approve", "accept", "clerk")), (3, step("approve")),
        (5, online("lastday", PERMIT, uploads=["申请书(申请表)", "土地使用权证明文件"])),
        (4, online("supplement", PERMIT, uploads=["申请书(申请表)", "土地使用权证明文件", "建设工程施工合同"])),
        (3, act("supplement", "claim", "clerk")),
        (3, act("supplement", "supplement", "clerk", materials=["施工图设计文件审查合格书"],
                note="施工图审查合格书须加盖审查机构公章")),
        (3, at_window("instant", FILING)),
        (3, act("instant", "decide", "clerk", decision="approve", licence_number="备2026-0318")),
        (3, act("instant", "deliver", "clerk", method="窗口领取")),
        (2, at_window("joint", JOINT)), (2, act("joint", "accept", "clerk")),
        # A joint acceptance in its re-inspection (the housing bureau's part failed), one decided
        # late after the fire brigade's part failed, one decided in 2 working days (D2, D5).
        (2, _schedule(cases, users, cal, today, "joint", 1)),
        (1, _results(cases, "joint", 1, failing="市住建局"), time(15, 0)),
        (1, _schedule(cases, users, cal, today, "joint", 0), time(16, 30)),
        (12, at_window("joint-late", JOINT)), (12, act("joint-late", "accept", "clerk")),
        (12, _schedule(cases, users, cal, today, "joint-late", 11)), (11, _results(cases, "joint-late", 1, failing="市消防救援支队"), time(15, 0)),
        (7, _schedule(cases, users, cal, today, "joint-late", 6)), (6, _results(cases, "joint-late", 2), time(15, 0)),
        (5, step("joint-late", opinion="各部门验收合格,同意")),
        (5, act("joint-late", "decide", "approver", decision="approve", licence_number="衡联验〔2026〕11号")),
        (10, at_window("joint-quick", JOINT)), (10, act("joint-quick", "accept", "clerk")),
        (10, _schedule(cases, users, cal, today, "joint-quick", 9)), (9, _results(cases, "joint-quick", 1), time(15, 0)),
        (8, step("joint-quick", opinion="各部门验收合格,同意")),
        (8, act("joint-quick", "decide", "approver", decision="approve", licence_number="衡联验〔2026〕12号")),
        (2, at_window("review", PERMIT)), (2, act("review", "accept", "clerk")),
        (1, online("new", PERMIT)),
        (0, at_window("today", PERMIT)),
        # The demo applicant's own finished cases online: one to rate, one rated poorly and acted on.
        (9, online("mine-poor", FILING)), (9, act("mine-poor", "claim", "clerk")),
        (9, act("mine-poor", "decide", "clerk", decision="approve", licence_number="备2026-0291")),
        (8, act("mine-poor", "deliver", "clerk", method="邮寄送达")),
        (6, online("mine-done", FILING)), (6, act("mine-done", "claim", "clerk")),
        (6, act("mine-done", "decide", "clerk", decision="approve", licence_number="备2026-0305")),
        (5, act("mine-done", "deliver", "clerk", method="邮寄送达")),
    ]
    plan += _supervised_history(item, required, applicant, at_window, act, step, cases)
    plan.sort(key=lambda p: -p[0])  # stable: same day keeps the listed order
    from shenpi.supervision.warnings import sweep_warnings
    n, last = 0, None
    at: list
    for days_ago, run, *at in plan:
        day = cal.add_workdays(today, -days_ago) if days_ago else today
        if day != last:
            if last is not None:  # the worker's warning sweep, as it ran that day
                with time_machine.travel(datetime.combine(last, time(18, 0), tzinfo=shanghai), tick=False):
                    sweep_warnings(on=last)
            n, last = 0, day
        when = datetime.combine(day, at[0] if at else time(9, 0), tzinfo=shanghai) + timedelta(minutes=7 * n)
        n += 1
        with time_machine.travel(when, tick=False):
            run()
    sweep_warnings(on=today)
    _supervision_records(cases, users, today)
    _projects(cases, users)
    _feedback(users, cal, today)
    _problems(users, cal, today)
    _campaign(users, today)
    _duty(users, cal, today)
    _intermediaries(users, today)
    # Someone guessed at a case's query code yesterday and was stopped: the supervisors see it.
    from shenpi.cases.models import LookupFailure
    LookupFailure.objects.create(day=cal.add_workdays(today, -1), number=cases["approve"].number,
                                 address="203.0.113.7", failures=10, throttled=14)
    LookupFailure.objects.create(day=today, number=cases["review"].number, address="198.51.100.23", failures=2)
    if stdout:
        stdout.write(f"Demo cases: {len(cases)} (applicant account {DEMO_APPLICANT})")
    return len(cases)


def _feedback(users, cal, today) -> None:
    """Ratings and complaints in every state (F1, F2), each made through the services on its own
    day: good ratings on the three channels; poor ones awaiting the call-back, overdue for it,
    overdue for the rectification, awaiting the second rating and closed; an appeal awaiting a
    ruling, one upheld and one dismissed; complaints awaiting acceptance (one overdue), being
    investigated (one extended, one overdue, one anonymous), answered on time and rated with
    an accountability record, answered late, and not accepted."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    import time_machine

    from shenpi.cases.models import Case
    from shenpi.feedback import complaints as c
    from shenpi.feedback import services as fb
    from shenpi.feedback.models import FollowUp

    shanghai = ZoneInfo("Asia/Shanghai")

    def day(ago):
        return cal.add_workdays(today, -ago) if ago else today

    def on(ago, hour=10):
        return time_machine.travel(datetime.combine(day(ago), time(hour, 0), tzinfo=shanghai), tick=False)

    dept = {key: users[name].staff.department for key, name in
            (("zj", "depthead"), ("sj", "chief_sj"), ("fg", "approver_fg"), ("fgw", "approver_fgw"))}
    me = users[DEMO_APPLICANT]
    used = set(Case.objects.filter(applicant_user=me).values_list("pk", flat=True))  # the applicant rates those

    def ended(key, by_ago):
        """A delivered case of the department, delivered by that day, not used yet."""
        case = (Case.objects.filter(department=dept[key], state="delivered", delivered_on__lte=day(by_ago))
                .exclude(pk__in=used).order_by("-delivered_on", "-pk").first())
        used.add(case.pk)
        return case

    def sms(key, ago, level, text="", chosen=()):
        case = ended(key, ago)
        with on(ago):
            return fb.rate(case=case, channel="sms", token=fb.link_token(case), level=level, text=text,
                           chosen=list(chosen))

    def at_counter(key, ago, level, chosen=()):
        """A rating on the tablet, a minute after the clerk delivered the case."""
        case = ended(key, ago)
        event = case.events.filter(action="deliver").order_by("-seq").first()
        with time_machine.travel(event.at + timedelta(minutes=1), tick=False):
            return fb.rate(case=case, channel="window", actor=event.actor, level=level, chosen=list(chosen))

    def follow(rating):
        return FollowUp.objects.get(rating=rating)

    head = {"zj": users["depthead"], "sj": users["chief_sj"], "fg": users["approver_fg"]}
    supervisor = users["supervisor"]
    # Good and middling ratings across departments, windows and staff.
    for key, ago, level, chosen in (("zj", 20, 1, ("attitude", "efficiency")), ("sj", 20, 2, ("once",)),
                                    ("fg", 18, 1, ()), ("fgw", 16, 2, ("environment",)), ("sj", 12, 1, ()),
                                    ("fg", 10, 3, ()), ("fgw", 8, 1, ("efficiency",))):
        at_counter(key, ago, level, chosen)
    for key, ago, level in (("zj", 19, 2), ("sj", 15, 1), ("fg", 14, 2), ("fgw", 12, 3), ("zj", 9, 1)):
        sms(key, ago, level)
    # Poor ratings and their follow-ups, in every state.
    closed = sms("zj", 21, 5, "审核环节来回退改,耗时太长", ("fast",))
    with on(20):
        fb.call_back(actor=head["zj"], follow_up=follow(closed), note="已电话回访,申请人反映材料退改三次。")
    with on(18):
        fb.rectify(actor=head["zj"], follow_up=follow(closed), text="制定一次性告知清单,审核意见一次提出。")
    with on(17):
        fb.rate_again(follow_up=follow(closed), level=2, token=fb.link_token(closed.case, again=True))
    rectify_late = sms("zj", 8, 4, "窗口人员不在岗,等了四十分钟", ("attitude",))
    with on(7):
        fb.call_back(actor=head["zj"], follow_up=follow(rectify_late), note="已回访致歉,核实当日窗口人员离岗。")
    call_back_late = at_counter("zj", 6, 5, ("once",))
    mine = Case.objects.get(applicant_user=me, state="delivered", licence_number="备2026-0291")
    with on(7):
        awaiting_second = fb.rate(case=mine, channel="portal", actor=me, level=4, text="邮寄送达比承诺晚了两天",
                                  chosen=["progress"])
    with on(7):
        fb.call_back(actor=head["zj"], follow_up=follow(awaiting_second), note="已回访,邮政揽收延误。")
    with on(4):
        fb.rectify(actor=head["zj"], follow_up=follow(awaiting_second), text="改为办结当日交邮,短信告知运单号。")
    sms("zj", 1, 5, "审批太慢")  # the call-back is due tomorrow (or today)
    appealed = sms("sj", 9, 5, "没给我办就差评", ())
    with on(8):
        fb.appeal(actor=head["sj"], rating=appealed, reason="申请人材料不全被一次性告知后仍坚持当场办结,言语威胁给差评,有窗口录音。")
    upheld = sms("sj", 14, 5, "")
    with on(13):
        fb.call_back(actor=head["sj"], follow_up=follow(upheld), note="申请人拒绝沟通。")
        appeal = fb.appeal(actor=head["sj"], rating=upheld, reason="同一申请人当日对三个窗口均给差评,与办理无关。")
    with on(12):
        fb.rule_appeal(actor=supervisor, appeal=appeal, upheld=True, ruling="经核查录音和记录,差评与服务无关,申诉成立。")
    dismissed = sms("fg", 13, 4, "登记要跑两次", ("once",))
    with on(12):
        fb.call_back(actor=head["fg"], follow_up=follow(dismissed), note="已回访。")
        appeal = fb.appeal(actor=head["fg"], rating=dismissed, reason="申请人自身原因。")
    with on(11):
        fb.rule_appeal(actor=supervisor, appeal=appeal, upheld=False, ruling="窗口确未一次性告知,申诉不成立,应整改。")
    with on(2):
        fb.rectify(actor=head["fg"], follow_up=follow(dismissed), text="不动产登记材料清单上墙,窗口一次性告知。")
    del call_back_late, rectify_late

    # Complaints in every state.
    def lodge(ago, key, actor=None, **kw):
        data = {"source": "portal", "against_department": dept[key], "content": "办事过程中遇到问题。",
                "name": "张伟", "phone": "13800138001", **kw}
        with on(ago, 9):
            return c.submit(actor=actor, **data)

    lodge(0, "zj", me, content="网上申请提交三天了还没有人预审。", name="王芳", phone="")
    lodge(4, "sj", users["clerk_general"], source="phone", content="食品经营许可现场核查人员迟到一个多小时。",
          name="李娜", phone="13807340002")
    investigating = lodge(3, "zj", content="施工许可审查中多次口头要求补充同一份材料。", against_name="审核岗")
    with on(2):
        c.accept(actor=supervisor, complaint=investigating)
        c.assign(actor=head["zj"], complaint=investigating, assignee=users["handler"])
    with on(1):
        c.add_note(actor=users["handler"], complaint=investigating, text="调阅该办件退回记录,共两次,均有书面意见。")
    extended = lodge(12, "zj", content="竣工验收备案窗口人员态度恶劣。", against_name="3号窗口", source="window",
                     actor=users["clerk"])
    with on(11):
        c.accept(actor=supervisor, complaint=extended, against_person=users["clerk"])
    with on(4):
        c.add_note(actor=head["zj"], complaint=extended, text="已调取窗口监控,待约谈当事人。")
        c.extend(actor=head["zj"], complaint=extended, days=5, reason="当事人外出培训,需待其返岗后约谈核实。")
    overdue = lodge(16, "sj", content="食品经营许可超过承诺时限未办结,无人答复。", name="赵刚", phone="13807340003")
    with on(15):
        c.accept(actor=supervisor, complaint=overdue)
    with on(10):
        c.add_note(actor=head["sj"], complaint=overdue, text="正在核实审核岗积压原因。")
    lodge(5, "fgw", anonymous=True, name="", phone="", content="节能审查中有人暗示找指定中介。")
    with on(4):
        from shenpi.feedback.models import Complaint
        c.accept(actor=supervisor, complaint=Complaint.objects.get(anonymous=True))
    answered = lodge(20, "zj", content="窗口收件时要求提供法律规定以外的证明。", against_name="1号窗口",
                     source="letter", actor=users["clerk_general"], name="陈明", phone="13807340004")
    with on(19):
        c.accept(actor=supervisor, complaint=answered, against_person=users["clerk"])
    with on(16):
        c.add_note(actor=head["zj"], complaint=answered, text="经核实,窗口要求提供的无犯罪记录证明不在材料目录内。")
        c.reply(actor=head["zj"], complaint=answered, finding="substantiated",
                text="情况属实。已责令窗口按目录收件,并向您致歉;对当事人批评教育。")
        c.hold_to_account(actor=supervisor, complaint=answered, person=users["clerk"], measure="talk",
                          reason="超出材料目录要求申请人提供证明")
    with on(15):
        c.rate_handling(complaint=answered, level=1, code=answered.query_code, text="处理及时,满意。")
    late = lodge(25, "fg", content="不动产转移登记窗口说系统故障让改天再来。", name="周敏", phone="13807340005")
    with on(24):
        c.accept(actor=supervisor, complaint=late)
    with on(6):
        c.reply(actor=head["fg"], complaint=late, finding="partly",
                text="当日系统确有故障约一小时,窗口未及时登记预约,已要求故障期间登记并回电。")
    refused = lodge(7, "zj", source="letter", actor=users["clerk_general"], content="要求撤销已生效的邻居建房许可。",
                    name="孙强", phone="13807340006")
    with on(6):
        c.refuse(actor=supervisor, complaint=refused, reason="属于行政复议或诉讼事项,不属于效能投诉范围;可依法申请行政复议。")
    from shenpi.feedback.warnings import sweep_reminders
    sweep_reminders(on=today)  # the worker's warnings on these clocks, as of today


def _problems(users, cal, today) -> None:
    """The campaign's problem register as a centre finds it weeks into 查摆问题: a problem closed
    with its four conditions, one reopened after inspection, one with two conditions recorded,
    one past its deadline, and one at another unit."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    import time_machine

    from shenpi.campaign import problems as p

    shanghai = ZoneInfo("Asia/Shanghai")
    head, supervisor, admin = users["depthead"], users["supervisor"], users["admin"]

    def on(ago, hour=10):
        return time_machine.travel(datetime.combine(cal.add_workdays(today, -ago), time(hour, 0), tzinfo=shanghai),
                                   tick=False)

    def new(ago, **kw):
        with on(ago):
            return p.register(actor=kw.pop("actor", head), found_on=cal.add_workdays(today, -ago), **kw)

    def cond(ago, problem, condition, what, actor=None):
        with on(ago, 15):
            p.record_condition(actor=actor or head, problem=problem, condition=condition, what=what)

    zj = head.staff.department
    closed = new(30, department=zj, title="施工许可审核环节材料退回后重新计时,实际用时超过承诺时限", kind="slow",
                 source="self_check", cause="退件后未区分补正与重新申请,审核人按新件重新排队。",
                 measure="补正材料当日转回原审核人,补正期间不另行排队。", responsible=users["reviewer"], deadline_days=15)
    for ago, condition, what in ((26, "cause", "调阅近三个月退件 42 件,查清重新排队的环节与原因。"),
                                 (22, "fixed", "系统中补正件直接回到原审核人待办;抽查 10 件均当日转回。"),
                                 (21, "responsibility", "审核岗赵磊作书面检查,科室内通报。"),
                                 (20, "rule", "印发《补正材料流转规定》(衡住建〔2026〕31号)。")):
        cond(ago, closed, condition, what)
    with on(19, 16):
        p.close(actor=head, problem=closed)
    reopened = new(28, department=zj, title="窗口一次性告知不完整,申请人多次往返", kind="poor", source="complaint",
                   cause="告知单未列明现场踏勘所需材料。", measure="修订一次性告知单,窗口逐项勾选告知。",
                   responsible=users["approver"], deadline_days=10)
    for ago, condition, what in ((25, "cause", "告知单缺少踏勘材料一项。"), (24, "fixed", "告知单已修订并上墙。"),
                                 (24, "responsibility", "窗口负责人作说明。"), (23, "rule", "告知单纳入窗口标准化手册。")):
        cond(ago, reopened, condition, what)
    with on(23, 16):
        p.close(actor=head, problem=reopened)
    with on(8):
        p.reopen(actor=supervisor, problem=reopened, reason="检查验收时抽查 5 件,仍有 2 件未勾选踏勘材料。")
    cond(6, reopened, "cause", "新告知单未同步到网上申报页面。")
    partial = new(12, department=zj, title="审批流程中存在未公开的内部会签环节", kind="disorder", source="supervision",
                  cause="", measure="取消内部会签,纳入审核环节一并办理。", responsible=users["approver"], deadline_days=20)
    cond(10, partial, "cause", "会签系历史做法,无文件依据。")
    cond(7, partial, "fixed", "流程图已删去会签节点,系统同步调整。", actor=users["approver"])
    new(40, department=zj, title="审批人员分散在局机关,窗口授权不到位", kind="scattered", source="inspection",
        measure="审批科整建制进驻中心,首席代表授权到位。", responsible=head, deadline_days=20, actor=admin)
    sj = users["chief_sj"].staff.department
    new(5, department=sj, title="企业登记网上预审反馈不及时", kind="slow", source="self_check",
        measure="网上预审每日上午、下午各清零一次。", responsible=users["chief_sj"], deadline_days=10,
        actor=users["chief_sj"])


def _campaign(users, today) -> None:
    """The notice's own campaign (衡政办发〔2013〕23号, §五) in the year it last started: its five
    phases on the notice's dates, the four units with windows taking part, their plans and
    reports as submitted (one plan late, one problem list missing), and two inspections during
    the rectification, scored and published, with a third planned."""
    from datetime import date, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    import time_machine

    from shenpi.campaign import campaigns as cp

    shanghai = ZoneInfo("Asia/Shanghai")
    year = today.year if today >= date(today.year, 9, 21) else today.year - 1
    d = lambda m, day: date(year, m, day)  # noqa: E731
    heads = {key: users[name] for key, name in (("zj", "depthead"), ("sj", "chief_sj"), ("fg", "approver_fg"),
                                                ("fgw", "approver_fgw"))}
    campaign = cp.create(actor=users["admin"], name="全市行政审批工作问题整改", document=f"衡政办发〔{year}〕23号",
                         units=[u.staff.department for u in heads.values()], phases=[
        {"name": "动员部署", "starts_on": d(9, 21), "ends_on": d(9, 25), "report_name": "整改方案", "report_due": d(9, 25)},
        {"name": "查摆问题", "starts_on": d(9, 26), "ends_on": d(10, 5), "report_name": "问题清单", "report_due": d(10, 5)},
        {"name": "整改推进", "starts_on": d(10, 6), "ends_on": d(11, 30), "report_name": "整改情况书面报告",
         "report_due": d(11, 30)},
        {"name": "整章建制", "starts_on": d(12, 1), "ends_on": d(12, 20), "report_name": "制度建设情况",
         "report_due": d(12, 20)},
        {"name": "检查验收", "starts_on": d(12, 21), "ends_on": d(12, 31)}])
    phases = list(campaign.phases.order_by("order"))

    def at(day, hour=16):
        return time_machine.travel(datetime.combine(day, time(hour, 0), tzinfo=shanghai), tick=False)

    texts = {0: "成立整改工作领导小组,明确责任科室和时间表。", 1: "查摆出审批时间长、流程不规范等问题,逐条列出整改措施。",
             2: "已完成问题整改,书面报告附后。"}
    for key, phase, day in (("zj", 0, d(9, 24)), ("sj", 0, d(9, 25)), ("fg", 0, d(9, 25)), ("fgw", 0, d(9, 28)),
                            ("zj", 1, d(9, 30)), ("sj", 1, d(10, 4)), ("fg", 1, d(10, 8)), ("zj", 2, d(11, 26))):
        if day <= today:
            with at(day):
                cp.submit_report(actor=heads[key], phase=phases[phase], department=heads[key].staff.department,
                                 report=texts[phase])
    supervisor = users["supervisor"]
    marks = {"zj": ({"plan": 12, "problems": 15, "rectified": 18, "rules": 12, "public": 11}, "rectify",
                    "审核环节补正件仍有重新排队现象,限期十个工作日整改到位。"),
             "sj": ({"plan": 14, "problems": 18, "rectified": 28, "rules": 17, "public": 14}, "praise",
                    "网上预审当日清零,整改成效明显,予以表扬。")}
    for key, planned in (("zj", d(11, 18)), ("sj", d(11, 17)), ("fg", d(12, 22))):
        with at(min(planned - timedelta(days=5), today), 9):
            inspection = cp.plan_inspection(actor=supervisor, campaign=campaign, department=heads[key].staff.department,
                                            planned_on=planned, inspectors="市监察局 邓监察;市政府督查室 欧秘书长")
        if key in marks and planned < today:
            points, result, conclusion = marks[key]
            with at(planned, 17):
                cp.score(actor=supervisor, inspection=inspection, result=result, conclusion=conclusion,
                         scores={c: {"score": n, "note": "", "evidence": "现场抽查办件 10 件"} for c, n in points.items()})
            with at(max(planned, min(d(11, 20), today)), 18):
                cp.publish(actor=supervisor, inspection=inspection)


def _duty(users, cal, today) -> None:
    """Last month and this at the centre (B3): the window staff signing in and out each working
    day (one absence), the deputy head in charge on site three days a week (one week short),
    the section chiefs rostered at the window twice a week (one shift missed), and the roster
    for the two weeks ahead."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    import time_machine

    from shenpi.campaign import duty as d

    shanghai = ZoneInfo("Asia/Shanghai")
    admin, head = users["admin"], users["depthead"]
    chiefs = [users[n] for n in ("approver", "chief_sj", "approver_fg", "approver_fgw")]
    clerks = [users[n] for n in ("clerk", "clerk_sj", "chief_sj", "clerk_fg", "clerk_fgw", "clerk_xf", "clerk_general")]
    start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # the first of last month
    days = [start + timedelta(days=n) for n in range((today - start).days + 15)]
    workdays = [day for day in days if cal.is_workday(day)]
    for day in workdays:
        if day.weekday() in (0, 2, 4):
            d.plan_shift(actor=head, person=head, kind="deputy_head", day=day)
        if day.weekday() in (1, 3):
            for chief in chiefs:
                d.plan_shift(actor=admin, person=chief, kind="section_chief", day=day)
    past = [day for day in workdays if day <= today]
    short_week = past[-12].isocalendar()[:2] if len(past) > 12 else None
    missed_chief = next((day for day in reversed(past[:-3]) if day.weekday() == 3), None)

    def at(day, hour, minute, act, who):
        with time_machine.travel(datetime.combine(day, time(hour, minute), tzinfo=shanghai), tick=False):
            act(actor=who)
    for n, day in enumerate(past):
        present = [c for c in clerks if not (c.username == "clerk_fg" and n == len(past) - 6)]
        if day.weekday() in (1, 3):
            present += [c for c in chiefs if c not in present and not (c.username == "approver_fgw" and day == missed_chief)]
        if day.weekday() in (0, 2, 4) and not (day.isocalendar()[:2] == short_week and day.weekday() == 4):
            present.append(head)
        for k, person in enumerate(present):
            at(day, 8, 40 + k, d.sign_in, person)
            if day < today:
                at(day, 17, 30 + k, d.sign_out, person)


def _intermediaries(users, today) -> None:
    """The intermediary register (中介超市): two drawing-review firms for the building permit, one
    whose qualification has lapsed; two surveying firms for the completion filing, one whose
    licence runs out this month; an applicant's free choice, and one named by an official."""
    from datetime import timedelta

    from shenpi.cases.models import Case
    from shenpi.catalog import services as catalog_services
    from shenpi.catalog.models import Item
    from shenpi.intermediaries import rules as register

    admin = users["admin"]
    permit = Item.objects.get(versions__status="published", versions__name="建筑工程施工许可证核发")
    filing = Item.objects.get(versions__status="published", versions__name="房屋建筑和市政基础设施工程竣工验收备案")
    catalog_services.set_intermediary_services(actor=admin, item=permit, names=["施工图审查"])
    catalog_services.set_intermediary_services(actor=admin, item=filing, names=["房产测绘"])
    orgs = [
        ("衡阳市建科施工图审查中心有限公司", "刘工", "0734-8221001", "施工图审查", ("一类房屋建筑工程施工图审查机构", 400),
         800000, 3000000, "每项目"),
        ("湖南湘衡工程咨询有限公司", "陈经理", "0734-8221002", "施工图审查", ("二类房屋建筑工程施工图审查机构", -27),
         600000, 2000000, "每项目"),
        ("衡阳市恒信房产测绘有限公司", "周工", "0734-8221003", "房产测绘", ("乙级测绘资质(房产测绘)", 12),
         150, 150, "每平方米"),
        ("衡阳市正方测绘工程有限公司", "谭工", "0734-8221004", "房产测绘", ("甲级测绘资质(房产测绘)", 700),
         120, 180, "每平方米"),
    ]
    made = []
    for n, (name, contact, phone, service, (qual, days), low, high, unit) in enumerate(orgs, 1):
        made.append(register.register(
            actor=admin, name=name, credit_code=credit_code(9000 + n, "91"), contact=contact, phone=phone,
            address="衡阳市蒸湘区", qualifications=[{"name": qual, "number": f"湘审{today.year}-{n:04d}",
                                                   "issued_by": "湖南省住房和城乡建设厅",
                                                   "expires_on": today + timedelta(days=days)}],
            services=[{"name": service, "qualification": 0, "price_from_fen": low, "price_to_fen": high,
                       "price_unit": unit}]))
    first_permit = Case.objects.filter(item=permit).order_by("pk").first()
    if first_permit is not None:
        register.choose(actor=users["clerk"], case=first_permit, service=made[0].services.get())
    first_filing = Case.objects.filter(item=filing).exclude(applicant_user__isnull=True).order_by("pk").first()
    if first_filing is not None:
        register.choose(actor=first_filing.applicant_user, case=first_filing, service=made[2].services.get(),
                        designated=True, designated_by="住建局窗口一名工作人员",
                        note="受理时被告知只能找这家测绘公司。")


def _supervised_history(item, required, applicant, at_window, act, step, cases) -> list:
    """Eight weeks of handled cases in four departments, some on time, some late in review or
    in delivery, some still open past their limits: what the warnings, the rules and the
    dashboard's figures and trends are drawn from. (working days ago, action[, time of day])."""
    from datetime import time
    flows = [  # item, clerk, approver, note at acceptance
        ("建筑工程施工许可证核发", "clerk", "approver", ""),
        ("食品经营许可", "clerk_sj", "chief_sj", ""),
        ("不动产转移登记", "clerk_fg", "approver_fg", "申请人本人办理,无委托"),
        ("固定资产投资项目节能审查", "clerk_fgw", "approver_fgw", ""),
    ]
    # Working days from receipt to: the review step, the approval step, the decision, delivery.
    paces = [(1, 1, 0, 1), (2, 1, 0, 2), (1, 2, 1, 1), (4, 4, 1, 2), (1, 1, 0, 12), (3, 2, 0, 1)]
    starts = [39, 34, 29, 24, 19, 15, 11, 7, 4, 2]
    companies = ["湘南", "雁城", "蒸湘", "石鼓", "珠晖", "南岳", "耒水", "衡山", "船山", "回雁"]
    plan: list = []
    for f, (name, clerk, approver, note) in enumerate(flows):
        for k, start in enumerate(starts):
            key = f"hist-{f}-{k}"
            review, approval, decide, deliver = paces[(f + k) % len(paces)]
            plan.append((start, at_window(key, name, clerk=clerk, who={
                "applicant_type": "organisation", "applicant_name": f"衡阳{companies[k]}{'建设置业食品能源'[f * 2:f * 2 + 2]}有限公司",
                "applicant_id": credit_code(100 + 10 * f + k, "91"), "applicant_phone": "13800138000"})))
            plan.append((start, act(key, "accept", clerk, **({"note": note} if note else {}))))
            day = start - review
            if day < 0:
                continue
            plan.append((day, step(key)))
            day -= approval
            if day < 0:
                continue
            plan.append((day, step(key)))
            day -= decide
            if day < 0:
                continue
            # One decision taken late in the evening: the rules see it.
            late_evening = (time(20, 30),) if (f, k) == (1, 2) else ()
            plan.append((day, act(key, "decide", approver, decision="approve",
                                  licence_number=f"衡{name[:2]}许〔2026〕{f}{k:02d}号"), *late_evening))
            day -= deliver
            if day >= 0:
                plan.append((day, act(key, "deliver", clerk, method="窗口领取")))
    return plan


def _supervision_records(cases, users, today) -> None:
    """What supervisors find when they arrive: the rules' findings, two cases a department's own
    system reported through the exchange, an order awaiting the department's reply and one
    replied, an appeal awaiting a ruling and an accountability record."""
    from shenpi.cases.models import Case
    from shenpi.catalog.models import Item
    from shenpi.supervision import exchange
    from shenpi.supervision import services as sv
    from shenpi.supervision.models import Card
    from shenpi.supervision.rules import sweep_new_events
    from shenpi.supervision.warnings import sweep_warnings
    from shenpi.workdays.selectors import current_calendar

    cal = current_calendar()
    permit = Item.objects.get(versions__status="published", versions__name="建筑工程施工许可证核发")
    system, _token = exchange.add_system(code="ZJ-OA", name="市住建局建设工程审批系统", department=permit.department)

    def stamp(days_ago, hour):
        return f"{cal.add_workdays(today, -days_ago):%Y%m%d}{hour:02d}0000"
    exchange.receive(system, {"records": [
        {"case_number": f"ZJOA{today:%Y}0417", "item_code": permit.implementation_code,
         "applicant": {"type": "2", "name": "衡阳市湘江置业有限公司", "id": "91350100M000100Y43", "phone": "13800138000"},
         "received_at": stamp(12, 9), "received_by": "彭莉",
         "acceptance": {"at": stamp(12, 10), "person": "彭莉", "document_number": f"衡住建受〔{today:%Y}〕417号"},
         "steps": [{"name": "审核", "handler": "曾凡", "start": stamp(12, 10), "status": "待办"}]},
        {"case_number": f"ZJOA{today:%Y}0398", "item_code": permit.implementation_code,
         "applicant": {"type": "2", "name": "衡阳华晟置业有限公司", "id": "91350100M000100Y43", "phone": "13800138000"},
         "received_at": stamp(20, 9), "received_by": "彭莉",
         "acceptance": {"at": stamp(20, 10), "person": "彭莉"},
         "steps": [{"name": "审核", "handler": "曾凡", "start": stamp(20, 10), "end": stamp(19, 15), "status": "已办",
                    "action": "通过", "opinion": "符合条件"},
                   {"name": "核准", "handler": "唐军", "start": stamp(19, 15), "end": stamp(18, 15), "status": "已办",
                    "action": "通过", "opinion": "同意"}],
         "result": {"decision": "1", "at": stamp(18, 16), "person": "唐军", "licence_number": f"430400{today:%Y}0398"},
         "fees": [{"name": "加急服务费", "amount_fen": 20000}],
         "delivery": {"at": stamp(17, 10), "method": "窗口领取"}},
    ]})
    sweep_warnings(on=today)
    while sweep_new_events().done:
        pass
    supervisor, chief = users["supervisor"], users["approver"]
    overdue = Case.objects.get(pk=cases["overdue"].pk)
    sv.issue_order(actor=supervisor, department=None, case=overdue, reply_days=2,
                   content="该件已超过承诺时限,请说明原因并于两个工作日内办结。")
    replied = sv.issue_order(actor=supervisor, department=permit.department, reply_days=3,
                             content="近期本局办件黄牌预警较多,请自查审核环节的时限安排。")
    sv.reply_order(actor=chief, order=replied, reply="已调整审核岗位分工,审核环节每日清零。")
    card = Card.objects.filter(department=permit.department, level="red").order_by("created_at").first()
    if card is not None:
        sv.file_appeal(actor=chief, card=card, reason="申请人书面要求暂缓审核,已留存书面材料。")
    severe = Card.objects.filter(level__in=("severe", "red"), responsible__isnull=False).order_by("created_at").last()
    if severe is not None:
        sv.hold_to_account(actor=supervisor, person=severe.responsible, measure="reminder", card=severe,
                           reason="办件超过承诺时限,提醒及时办理。")


def _schedule(cases, users, cal, today, key, on_days_ago):
    """The coordinator schedules the next round of a joint acceptance's site inspection for the
    departments whose parts are open, on the working day ``on_days_ago`` before today, or for
    ``on_days_ago`` 0 today or the next working day (D2)."""
    def run():
        from shenpi.cases.models import Case
        from shenpi.joint import services as joint
        case = Case.objects.get(pk=cases[key].pk)
        steps = [s for s in joint.joint_stage(case) if s.status == "open"]
        # Today's round is on the next working day when the demo is loaded on a weekend or holiday.
        joint.schedule(actor=users["clerk"], case=case, on=cal.add_workdays(today, -on_days_ago) if on_days_ago
                       else cal.workday_on_or_after(today), place="衡阳市蒸湘区华新大道项目现场",
                       members={str(s.department_id): f"{s.assignee.staff.name}等2人" if s.assignee else "待定"
                                for s in steps})
    return run


def _results(cases, key, round, failing=""):
    """Each department's result of a round: the ``failing`` department's part has items to fix."""
    def run():
        from shenpi.cases.models import Case
        from shenpi.joint import services as joint
        case = Case.objects.get(pk=cases[key].pk)
        inspection = case.inspections.get(round=round)
        for s in [s for s in joint.joint_stage(case) if s.status == "open"]:
            failed = s.department.short_name == failing
            joint.record_result(actor=s.assignee, inspection=inspection, step_id=s.pk, passed=not failed,
                                items="外墙保温层局部空鼓;室外消防车道未贯通" if failed else "",
                                opinion="" if failed else "符合验收要求")
    return run


def _projects(cases, users) -> None:
    """A construction project (D3) with the builder's cases across departments on its timeline."""
    from shenpi.cases.models import Case
    from shenpi.joint import projects
    joint_case = Case.objects.get(pk=cases["joint"].pk)
    project = projects.register(actor=users["clerk"], code="2026-430408-47-01-000123", name="蒸湘区华新商业综合体",
                                builder_name=joint_case.applicant_name, builder_id=joint_case.applicant_id,
                                site="衡阳市蒸湘区华新大道", investment="38500")
    for case in Case.objects.filter(applicant_id=joint_case.applicant_id, applicant_name=joint_case.applicant_name,
                                    external_system="").order_by("received_at")[:6]:
        projects.link(actor=users["clerk"], project=project, case=case)


BUNDLES = [
    ("kaiban-canyin", "开办餐饮店", "营业执照、食品经营许可、公众聚集场所消防安全检查,一张表单、一套材料,一次申请。",
     ["企业设立登记", "食品经营许可", "公众聚集场所投入使用、营业前消防安全检查"]),
]


def _bundles() -> None:
    """一件事一次办: the demo centre's bundles of items across departments."""
    from shenpi.catalog.models import Item
    from shenpi.joint.models import Bundle, BundleItem
    for code, name, description, items in BUNDLES:
        bundle = Bundle.objects.create(code=code, name=name, description=description)
        for n, item_name in enumerate(items, 1):
            BundleItem.objects.create(bundle=bundle, order=n,
                                      item=Item.objects.get(versions__status="published", versions__name=item_name))
