import { PublicContainerApp } from "../../components";

const web = new PublicContainerApp("web", {});

export const url = web.url;
export const imageRef = web.imageRef;
export const appInsightsConnectionString = web.appInsightsConnectionString;
