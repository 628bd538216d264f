from django.conf import settings


def site(request):
    return {
        "centre_name": settings.SHENPI["CENTRE_NAME"],
        "centre_hotline": settings.SHENPI["HOTLINE"],
    }
